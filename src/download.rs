//! What the browser does with a file: save a text or an image the app made (a link
//! clicked with `download`), read a file the user chose, copy a text to the clipboard.
//! No logic here: the files' contents come from the core ([`driftlab_sim::csv`],
//! [`driftlab_sim::scenario`]).

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Saves `text` as a file `name` of type `mime` (the browser's download).
pub fn save_text(name: &str, mime: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts)
        .map_err(|e| format!("{e:?}"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| format!("{e:?}"))?;
    let r = save_url(name, &url);
    let _ = web_sys::Url::revoke_object_url(&url);
    r
}

/// Saves what `href` points to (an object URL, a `data:` URL) as a file `name`.
pub fn save_url(name: &str, href: &str) -> Result<(), String> {
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = doc
        .create_element("a")
        .map_err(|e| format!("{e:?}"))?
        .dyn_into()
        .map_err(|_| "not an anchor")?;
    a.set_href(href);
    a.set_download(name);
    a.click();
    Ok(())
}

/// The text of the first file chosen in `input` (an `<input type="file">`), if any.
pub async fn read_chosen(input: &web_sys::HtmlInputElement) -> Option<Result<String, String>> {
    let file = input.files()?.get(0)?;
    let text = JsFuture::from(file.text()).await;
    Some(
        text.map(|v| v.as_string().unwrap_or_default())
            .map_err(|e| format!("{e:?}")),
    )
}

/// Copies `text` to the clipboard; false if the browser refuses (no permission, an
/// insecure page, no clipboard).
pub async fn copy(text: &str) -> bool {
    let Some(w) = web_sys::window() else {
        return false;
    };
    let clipboard = w.navigator().clipboard();
    JsFuture::from(clipboard.write_text(text)).await.is_ok()
}
