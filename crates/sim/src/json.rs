//! The core's one way to turn a value into JSON, as a [`Value`] or as text.
//!
//! serde compiles a type's `Serialize` once per serializer it is given: the config
//! written by `serde_json::to_value`, by `to_string` and by `to_string_pretty` was three
//! copies of the same code in the app's WebAssembly. Here every value goes through one
//! serializer, [`to_node`], into a [`Node`]: a JSON tree that keeps the objects' keys in
//! the order the type writes them. From it come the [`Value`] ([`to_value`]: keys
//! sorted, as `serde_json::to_value` gives them) and the text ([`to_string`],
//! [`to_string_pretty`]: keys in the type's order, byte for byte what `serde_json`'s
//! functions of the same names write).
//!
//! # Examples
//! ```
//! #[derive(serde::Serialize)]
//! struct Seat { row: u32, col: u32, label: &'static str }
//! let s = Seat { row: 2, col: 7, label: "B7" };
//! assert_eq!(driftlab_sim::json::to_string(&s), r#"{"row":2,"col":7,"label":"B7"}"#);
//! assert_eq!(driftlab_sim::json::to_value(&s).to_string(), r#"{"col":7,"label":"B7","row":2}"#);
//! ```

use serde::ser::{self, Impossible, Serialize};
use serde_json::{Error, Map, Value};

/// A JSON value whose objects keep their keys in the order they were written.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// `null` (a unit, `None`, a float that is not finite).
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A whole number from 0.
    U64(u64),
    /// A negative whole number.
    I64(i64),
    /// A finite 64-bit float.
    F64(f64),
    /// A finite 32-bit float (written with its own shortest digits).
    F32(f32),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Node>),
    /// An object, its keys in the order written.
    Object(Vec<(String, Node)>),
}

impl Node {
    /// The node as a [`Value`] (an object's keys sorted; a key given twice keeps its
    /// last value, as in `serde_json::to_value`).
    pub fn into_value(self) -> Value {
        match self {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(b),
            Node::U64(n) => Value::from(n),
            Node::I64(n) => Value::from(n),
            Node::F64(x) => Value::from(x),
            Node::F32(x) => Value::from(x),
            Node::String(s) => Value::String(s),
            Node::Array(a) => Value::Array(a.into_iter().map(Node::into_value).collect()),
            Node::Object(o) => {
                let mut m = Map::new();
                for (k, v) in o {
                    m.insert(k, v.into_value());
                }
                Value::Object(m)
            }
        }
    }
}

impl Serialize for Node {
    fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use ser::{SerializeMap, SerializeSeq};
        match self {
            Node::Null => s.serialize_unit(),
            Node::Bool(b) => s.serialize_bool(*b),
            Node::U64(n) => s.serialize_u64(*n),
            Node::I64(n) => s.serialize_i64(*n),
            Node::F64(x) => s.serialize_f64(*x),
            Node::F32(x) => s.serialize_f32(*x),
            Node::String(t) => s.serialize_str(t),
            Node::Array(a) => {
                let mut seq = s.serialize_seq(Some(a.len()))?;
                for v in a {
                    seq.serialize_element(v)?;
                }
                seq.end()
            }
            Node::Object(o) => {
                let mut map = s.serialize_map(Some(o.len()))?;
                for (k, v) in o {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

/// `value` as a [`Node`]: the one serializer every type of the core is compiled for.
/// Fails only where `serde_json` fails (a map whose keys are not strings or numbers).
pub fn to_node<T: Serialize + ?Sized>(value: &T) -> Result<Node, Error> {
    value.serialize(NodeSerializer)
}

/// `value` as a [`Value`], what `serde_json::to_value` gives (every type the core
/// serializes has string keys: it never fails).
pub fn to_value<T: Serialize + ?Sized>(value: &T) -> Value {
    to_node(value)
        .expect("the core's types always serialize")
        .into_value()
}

/// `value` as compact JSON text, byte for byte what `serde_json::to_string` writes.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> String {
    let node = to_node(value).expect("the core's types always serialize");
    serde_json::to_string(&node).expect("a node always writes")
}

/// `value` as indented JSON text, byte for byte what `serde_json::to_string_pretty`
/// writes.
pub fn to_string_pretty<T: Serialize + ?Sized>(value: &T) -> String {
    let node = to_node(value).expect("the core's types always serialize");
    serde_json::to_string_pretty(&node).expect("a node always writes")
}

/// Reads JSON text as a `T` the way the core reads every file: the text as a [`Value`],
/// then `T` from it, so that a type's `Deserialize` is compiled for one deserializer
/// only. The error is serde's (without the text's line and column).
pub fn from_str<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, Error> {
    let v: Value = serde_json::from_str(text)?;
    T::deserialize(&v)
}

/// `internally_tagged!(Jitter, "kind")` gives `Jitter`, an enum derived with
/// `#[derive(Serialize, Deserialize)] #[serde(remote = "Self", ..)]` (which makes its
/// tag-outside forms, `{"spikes": {"mean_ms": 1.0, ..}}` and `"none"`, inherent
/// functions), its `Serialize` and `Deserialize` with the tag inside, in the field
/// `"kind"`: `{"kind": "spikes", "mean_ms": 1.0, ..}`, byte for byte and error for error
/// what `#[serde(tag = "kind")]` writes and reads ([`write_tagged`], [`read_tagged`]),
/// without serde's buffering of internally tagged input (compiled again for every
/// variant of every such enum). The variants are written once, in the enum.
///
/// Because of `remote = "Self"`, a path call `Jitter::deserialize(d)` names the
/// tag-outside form: read through the trait (`<Jitter as Deserialize>::deserialize`,
/// [`from_str`], `serde_json::from_value`).
macro_rules! internally_tagged {
    ($ty:ident, $tag:literal) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let outside = $ty::serialize(self, $crate::json::NodeSerializer);
                $crate::json::write_tagged(s, $tag, outside)
            }
        }
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let expecting = concat!("internally tagged enum ", stringify!($ty));
                $crate::json::read_tagged(d, $tag, expecting, |v| $ty::deserialize(v))
            }
        }
    };
}
pub(crate) use internally_tagged;

/// Writes `outside`, a variant with its tag outside (`"none"`, `{"spikes": {..}}`, or
/// `{"inject": {..}}` for a newtype variant holding an object), with its tag inside as
/// serde's `#[serde(tag = ..)]` writes it: the tag first, then the variant's fields.
#[doc(hidden)]
pub(crate) fn write_tagged<S: ser::Serializer>(
    s: S,
    tag: &'static str,
    outside: Result<Node, Error>,
) -> Result<S::Ok, S::Error> {
    let inside = match outside.map_err(ser::Error::custom)? {
        Node::String(name) => vec![(tag.to_string(), Node::String(name))],
        Node::Object(mut o) if o.len() == 1 => match o.pop() {
            Some((name, Node::Object(fields))) => {
                let mut inside = Vec::with_capacity(fields.len() + 1);
                inside.push((tag.to_string(), Node::String(name)));
                inside.extend(fields);
                inside
            }
            _ => return Err(ser::Error::custom("a tagged variant must hold fields")),
        },
        _ => return Err(ser::Error::custom("a tagged variant must hold fields")),
    };
    Node::Object(inside).serialize(s)
}

/// Reads an internally tagged enum (`{"kind": "spikes", "mean_ms": 1.0, ..}`, its
/// variant named by the field `tag`): the value as a [`Value`], its tag taken out and
/// put outside (`{"spikes": {"mean_ms": 1.0, ..}}`, or `"none"` for a variant without
/// fields), then read by `outside`, the enum's derived tag-outside reading. The errors
/// are serde's: `missing field `kind``, `unknown variant ..., expected one of ...`, a
/// variant's field refused by its type, `unknown field ..`.
#[doc(hidden)]
pub(crate) fn read_tagged<'de, D, T>(
    d: D,
    tag: &'static str,
    expecting: &'static str,
    outside: fn(&Value) -> Result<T, Error>,
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
{
    use serde::de::Error as _;
    let v = <Value as serde::Deserialize>::deserialize(d)?;
    let Value::Object(mut fields) = v else {
        return Err(D::Error::invalid_type(unexpected(&v), &expecting));
    };
    let name = match fields.remove(tag) {
        Some(Value::String(name)) => name,
        Some(other) => {
            return Err(D::Error::invalid_type(
                unexpected(&other),
                &"variant identifier",
            ))
        }
        None => return Err(D::Error::missing_field(tag)),
    };
    let unit = fields.is_empty();
    let mut out = Map::new();
    out.insert(name.clone(), Value::Object(fields));
    let read = outside(&Value::Object(out));
    let read = match read {
        // A variant without fields is written as its name alone.
        Err(_) if unit => outside(&Value::String(name)).or(read),
        read => read,
    };
    read.map_err(D::Error::custom)
}

/// What serde's errors call `v` (`string "x"`, `integer `1``, `map`).
fn unexpected(v: &Value) -> serde::de::Unexpected<'_> {
    use serde::de::Unexpected;
    match v {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Unexpected::Unsigned(u),
            (_, Some(i)) => Unexpected::Signed(i),
            _ => Unexpected::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

/// The serializer into a [`Node`].
pub(crate) struct NodeSerializer;

/// An array being written (a sequence, a tuple, or a tuple variant's fields).
pub(crate) struct ArrayNode {
    /// The variant's name, for a tuple variant (`{"name": [..]}`).
    variant: Option<&'static str>,
    items: Vec<Node>,
}

/// An object being written (a map, a struct, or a struct variant's fields).
pub(crate) struct ObjectNode {
    /// The variant's name, for a struct variant (`{"name": {..}}`).
    variant: Option<&'static str>,
    fields: Vec<(String, Node)>,
    /// A map's key, waiting for its value.
    key: Option<String>,
}

fn variant_of(variant: Option<&'static str>, node: Node) -> Node {
    match variant {
        Some(name) => Node::Object(vec![(name.to_string(), node)]),
        None => node,
    }
}

/// Serializer methods that hand a narrower number on as a wider one
/// (`serialize_u8(v)` is `serialize_u64(v.into())`).
macro_rules! widen {
    ($($method:ident($ty:ty) => $wide:ident;)*) => {$(
        fn $method(self, v: $ty) -> Result<Self::Ok, Error> {
            self.$wide(v.into())
        }
    )*};
}

impl ser::Serializer for NodeSerializer {
    type Ok = Node;
    type Error = Error;
    type SerializeSeq = ArrayNode;
    type SerializeTuple = ArrayNode;
    type SerializeTupleStruct = ArrayNode;
    type SerializeTupleVariant = ArrayNode;
    type SerializeMap = ObjectNode;
    type SerializeStruct = ObjectNode;
    type SerializeStructVariant = ObjectNode;

    widen! {
        serialize_i8(i8) => serialize_i64;
        serialize_i16(i16) => serialize_i64;
        serialize_i32(i32) => serialize_i64;
        serialize_u8(u8) => serialize_u64;
        serialize_u16(u16) => serialize_u64;
        serialize_u32(u32) => serialize_u64;
    }
    fn serialize_bool(self, v: bool) -> Result<Node, Error> {
        Ok(Node::Bool(v))
    }
    fn serialize_i64(self, v: i64) -> Result<Node, Error> {
        Ok(match u64::try_from(v) {
            Ok(u) => Node::U64(u),
            Err(_) => Node::I64(v),
        })
    }
    fn serialize_i128(self, v: i128) -> Result<Node, Error> {
        if let Ok(u) = u64::try_from(v) {
            Ok(Node::U64(u))
        } else if let Ok(i) = i64::try_from(v) {
            Ok(Node::I64(i))
        } else {
            Err(ser::Error::custom("number out of range"))
        }
    }
    fn serialize_u64(self, v: u64) -> Result<Node, Error> {
        Ok(Node::U64(v))
    }
    fn serialize_u128(self, v: u128) -> Result<Node, Error> {
        u64::try_from(v)
            .map(Node::U64)
            .map_err(|_| ser::Error::custom("number out of range"))
    }
    fn serialize_f32(self, v: f32) -> Result<Node, Error> {
        Ok(if v.is_finite() {
            Node::F32(v)
        } else {
            Node::Null
        })
    }
    fn serialize_f64(self, v: f64) -> Result<Node, Error> {
        Ok(if v.is_finite() {
            Node::F64(v)
        } else {
            Node::Null
        })
    }
    fn serialize_char(self, v: char) -> Result<Node, Error> {
        Ok(Node::String(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<Node, Error> {
        Ok(Node::String(v.to_string()))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Node, Error> {
        Ok(Node::Array(
            v.iter().map(|&b| Node::U64(b.into())).collect(),
        ))
    }
    fn serialize_none(self) -> Result<Node, Error> {
        Ok(Node::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Node, Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Node, Error> {
        Ok(Node::Null)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Node, Error> {
        Ok(Node::Null)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Node, Error> {
        Ok(Node::String(variant.to_string()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Node, Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Node, Error> {
        Ok(variant_of(Some(variant), value.serialize(self)?))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<ArrayNode, Error> {
        Ok(ArrayNode::new(None, len.unwrap_or(0)))
    }
    fn serialize_tuple(self, len: usize) -> Result<ArrayNode, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<ArrayNode, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<ArrayNode, Error> {
        Ok(ArrayNode::new(Some(variant), len))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<ObjectNode, Error> {
        Ok(ObjectNode::new(None, len.unwrap_or(0)))
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<ObjectNode, Error> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<ObjectNode, Error> {
        Ok(ObjectNode::new(Some(variant), len))
    }
    fn collect_str<T: std::fmt::Display + ?Sized>(self, value: &T) -> Result<Node, Error> {
        Ok(Node::String(value.to_string()))
    }
}

impl ArrayNode {
    fn new(variant: Option<&'static str>, len: usize) -> ArrayNode {
        let items = Vec::with_capacity(len);
        ArrayNode { variant, items }
    }
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.items.push(value.serialize(NodeSerializer)?);
        Ok(())
    }
    fn done(self) -> Result<Node, Error> {
        Ok(variant_of(self.variant, Node::Array(self.items)))
    }
}

/// The four ways of writing an array's items (a sequence's, a tuple's, a tuple
/// struct's and a tuple variant's), one code: each item written in turn.
macro_rules! array_node {
    ($($trait:ident::$method:ident),*) => {$(
        impl ser::$trait for ArrayNode {
            type Ok = Node;
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
                self.push(value)
            }
            fn end(self) -> Result<Node, Error> {
                self.done()
            }
        }
    )*};
}
array_node!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ObjectNode {
    fn new(variant: Option<&'static str>, len: usize) -> ObjectNode {
        let fields = Vec::with_capacity(len);
        ObjectNode {
            variant,
            fields,
            key: None,
        }
    }
    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), Error> {
        let v = value.serialize(NodeSerializer)?;
        self.fields.push((key.to_string(), v));
        Ok(())
    }
    fn done(self) -> Result<Node, Error> {
        Ok(variant_of(self.variant, Node::Object(self.fields)))
    }
}

impl ser::SerializeMap for ObjectNode {
    type Ok = Node;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key = Some(key.serialize(KeySerializer)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self
            .key
            .take()
            .ok_or_else(|| <Error as ser::Error>::custom("a map's value without its key"))?;
        self.field(&key, value)
    }
    fn end(self) -> Result<Node, Error> {
        self.done()
    }
}

/// A struct's and a struct variant's fields, one code: each field under its name.
macro_rules! object_node {
    ($($trait:ident),*) => {$(
        impl ser::$trait for ObjectNode {
            type Ok = Node;
            type Error = Error;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), Error> {
                self.field(key, value)
            }
            fn end(self) -> Result<Node, Error> {
                self.done()
            }
        }
    )*};
}
object_node!(SerializeStruct, SerializeStructVariant);

/// A map's key as the string JSON writes it: a string, a character, a boolean or a
/// number (as `serde_json` writes them); anything else is refused.
struct KeySerializer;

fn key_must_be_a_string() -> Error {
    ser::Error::custom("key must be a string")
}

/// Key serializer methods that write their value as `to_string` does.
macro_rules! as_text {
    ($($method:ident($ty:ty);)*) => {$(
        fn $method(self, v: $ty) -> Result<String, Error> {
            Ok(v.to_string())
        }
    )*};
}

/// Key serializer methods for floats: as `serde_json` writes them, if finite.
macro_rules! finite_float {
    ($($method:ident($ty:ty);)*) => {$(
        fn $method(self, v: $ty) -> Result<String, Error> {
            match v.is_finite() {
                true => serde_json::to_string(&v),
                false => Err(ser::Error::custom("float key must be finite")),
            }
        }
    )*};
}

/// Key serializer methods that refuse what they are given: not a key.
macro_rules! not_a_key {
    ($($method:ident $(<$t:ident>)? ($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {$(
        fn $method $(<$t: Serialize + ?Sized>)? (self, $($arg: $ty),*) -> Result<$ret, Error> {
            Err(key_must_be_a_string())
        }
    )*};
}

impl ser::Serializer for KeySerializer {
    type Ok = String;
    type Error = Error;
    type SerializeSeq = Impossible<String, Error>;
    type SerializeTuple = Impossible<String, Error>;
    type SerializeTupleStruct = Impossible<String, Error>;
    type SerializeTupleVariant = Impossible<String, Error>;
    type SerializeMap = Impossible<String, Error>;
    type SerializeStruct = Impossible<String, Error>;
    type SerializeStructVariant = Impossible<String, Error>;

    as_text! {
        serialize_bool(bool);
        serialize_i8(i8);
        serialize_i16(i16);
        serialize_i32(i32);
        serialize_i64(i64);
        serialize_u8(u8);
        serialize_u16(u16);
        serialize_u32(u32);
        serialize_u64(u64);
        serialize_char(char);
        serialize_str(&str);
    }
    finite_float! {
        serialize_f32(f32);
        serialize_f64(f64);
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<String, Error> {
        Ok(variant.to_string())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<String, Error> {
        value.serialize(self)
    }
    not_a_key! {
        serialize_bytes(_v: &[u8]) -> String;
        serialize_none() -> String;
        serialize_some<T>(_value: &T) -> String;
        serialize_unit() -> String;
        serialize_unit_struct(_name: &'static str) -> String;
        serialize_newtype_variant<T>(
            _name: &'static str, _index: u32, _variant: &'static str, _value: &T
        ) -> String;
        serialize_seq(_len: Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(_len: usize) -> Self::SerializeTuple;
        serialize_tuple_struct(_name: &'static str, _len: usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(
            _name: &'static str, _index: u32, _variant: &'static str, _len: usize
        ) -> Self::SerializeTupleVariant;
        serialize_map(_len: Option<usize>) -> Self::SerializeMap;
        serialize_struct(_name: &'static str, _len: usize) -> Self::SerializeStruct;
        serialize_struct_variant(
            _name: &'static str, _index: u32, _variant: &'static str, _len: usize
        ) -> Self::SerializeStructVariant;
    }
}

#[cfg(test)]
mod tests;
