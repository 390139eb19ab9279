//! Every anomaly explained in one sentence, with the real numbers.
//!
//! [`explain`] reads an anomaly's proof ([`Anomaly::evidence`]: observations kept in
//! [`Truth::history`], each with its true instant and the clock reading of the node
//! that made it) and writes what happened in English or French: who asked, through
//! which server, how wrong that server's clock was, what it stamped, and what true time
//! says. Pure: the same history gives the same words. Every number quoted is also
//! returned as a [`Figure`] (its value and the text quoted), so a test can check the
//! sentence against the observations.

use crate::hall::seat_label;
use crate::log::Refusal;
use crate::msg::{Addr, Layer};
use crate::obs::{Decision, Obs};
use crate::time::{Time, SEC};
use crate::truth::{Anomaly, AnomalyKind, Stamped, Truth};
use crate::world::ReqId;
use serde::Serialize;

/// The language of a sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// French.
    Fr,
}

/// A number quoted in a sentence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Figure {
    /// What it is: `stamp`, `clock_error`, `true_time`, `gap`, `age`…, with whose.
    pub name: &'static str,
    /// Its value, ns (an instant: ns since midnight).
    pub ns: i64,
    /// The text quoted in the sentence.
    pub shown: String,
}

/// One anomaly in words.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Explanation {
    /// What kind of anomaly.
    pub kind: AnomalyKind,
    /// When it was found (true time).
    pub t: Time,
    /// The requests involved (the anomaly's own first).
    pub requests: Vec<ReqId>,
    /// The sentence.
    pub text: String,
    /// Every number it quotes.
    pub figures: Vec<Figure>,
}

struct Writer {
    lang: Lang,
    figures: Vec<Figure>,
}

impl Writer {
    fn en_fr<'a>(&self, en: &'a str, fr: &'a str) -> &'a str {
        match self.lang {
            Lang::En => en,
            Lang::Fr => fr,
        }
    }

    fn decimal(&self, s: String) -> String {
        match self.lang {
            Lang::En => s,
            Lang::Fr => s.replace('.', ","),
        }
    }

    /// An instant, `HH:MM:SS.mmm`.
    fn at(&mut self, name: &'static str, t: Time) -> String {
        let shown = t.to_string();
        self.figures.push(Figure {
            name,
            ns: t.0,
            shown: shown.clone(),
        });
        shown
    }

    /// A duration, seconds to `decimals` places (its absolute value).
    fn dur(&mut self, name: &'static str, ns: i64, decimals: usize) -> String {
        let shown = self.decimal(format!("{:.*} s", decimals, (ns as f64 / SEC as f64).abs()));
        self.figures.push(Figure {
            name,
            ns,
            shown: shown.clone(),
        });
        shown
    }

    /// A clock's error: "8.000 s slow", "15.000 s fast", "exact".
    fn error(&mut self, name: &'static str, ns: i64) -> String {
        if ns == 0 {
            self.figures.push(Figure {
                name,
                ns,
                shown: String::new(),
            });
            return self.en_fr("exact", "exacte").to_string();
        }
        let d = self.dur(name, ns, 3);
        match (self.lang, ns > 0) {
            (Lang::En, true) => format!("{d} fast"),
            (Lang::En, false) => format!("{d} slow"),
            (Lang::Fr, true) => format!("{d} d'avance"),
            (Lang::Fr, false) => format!("{d} de retard"),
        }
    }
}

pub(crate) fn node(a: Addr) -> String {
    match a.layer {
        Layer::Server => format!("server-{}", a.index + 1),
        Layer::Database => "database".into(),
        Layer::Tso => "tso".into(),
        other => format!("{}-{}", other.name(), a.index + 1),
    }
}

/// The server that writes a log line, and the line's stamp.
fn line(s: &Stamped) -> (String, Time) {
    match s.obs {
        Obs::Released { by, stamp, .. } | Obs::Revoked { by, stamp, .. } => {
            (format!("server-{}", by + 1), stamp)
        }
        _ => (node(s.from), s.local),
    }
}

/// The request an observation concerns.
pub(crate) fn req_of(o: &Obs) -> Option<ReqId> {
    match *o {
        Obs::Sent { req, .. }
        | Obs::Received { req }
        | Obs::Decided { req, .. }
        | Obs::HoldGranted { req }
        | Obs::FoundTaken { req }
        | Obs::Ordered { req, .. } => Some(req),
        Obs::Released { claim, .. } | Obs::Revoked { claim, .. } => Some(claim),
        Obs::ExpiryJudged { judge, .. } => Some(judge),
        Obs::Paid { pay, .. } => Some(pay),
        _ => None,
    }
}

/// Anomaly `a` of `truth` in one sentence, in `lang`, for a hall `cols` seats wide.
/// `None` if its proof is incomplete (a run cut short).
pub fn explain(truth: &Truth, cols: u32, a: &Anomaly, lang: Lang) -> Option<Explanation> {
    let h = &truth.history;
    let ev: Vec<&Stamped> = a.evidence().iter().map(|&i| &h[i as usize]).collect();
    let find = |f: &dyn Fn(&Obs) -> bool| ev.iter().copied().find(|s| f(&s.obs));
    let reqs = &truth.requests;
    let mut w = Writer {
        lang,
        figures: Vec::new(),
    };
    let seat = |r: ReqId| seat_label(reqs[r as usize].seat, cols);
    let cust = |r: ReqId| reqs[r as usize].customer;
    let judge = truth.judge();
    let mut requests = vec![a.req];
    let text = match a.kind {
        AnomalyKind::WrongWinner => {
            let won = find(&|o| *o == Obs::Received { req: a.req })?;
            let first = find(&|o| matches!(o, Obs::Received { req } if *req != a.req))?;
            let f = req_of(&first.obs)?;
            requests.push(f);
            let (hs, fs) = (node(won.from), node(first.from));
            let herr = w.error("winner_clock_error", won.local - won.t);
            let hstamp = w.at("winner_stamp", won.local);
            let gap = w.dur("gap", won.t - first.t, 1);
            let ferr = w.error("first_clock_error", first.local - first.t);
            let fstamp = w.at("first_stamp", first.local);
            let end = if won.local < first.local {
                w.en_fr(
                    "The earliest stamp won, so the first customer lost.",
                    "Le plus petit horodatage a gagné : le premier client a perdu.",
                )
            } else {
                w.en_fr(
                    "The first customer's hold did not last, so the seat went to a later one.",
                    "La réservation du premier client n'a pas tenu : la place est allée à un suivant.",
                )
            };
            match lang {
                Lang::En => format!(
                    "Seat {} went to customer #{} through {hs}, whose clock was {herr}: stamped {hstamp}. Customer #{} had asked {gap} earlier in true time through {fs}, {ferr}, stamped {fstamp}. {end}",
                    seat(a.req), cust(a.req), cust(f)
                ),
                Lang::Fr => format!(
                    "La place {} est allée au client n°{} via {hs}, dont l'horloge avait {herr} : horodatage {hstamp}. Le client n°{} l'avait demandée {gap} plus tôt en temps vrai via {fs}, {ferr}, horodatage {fstamp}. {end}",
                    seat(a.req), cust(a.req), cust(f)
                ),
            }
        }
        AnomalyKind::DoubleBooking => {
            let this = find(&|o| *o == Obs::HoldGranted { req: a.req })?;
            let other = find(&|o| matches!(o, Obs::HoldGranted { req } if *req != a.req))?;
            let o = req_of(&other.obs)?;
            requests.push(o);
            let (so, st) = (node(other.from), node(this.from));
            let to = w.at("first_hold", other.t);
            let gap = w.dur("gap", this.t - other.t, 3);
            match lang {
                Lang::En => format!(
                    "Seat {} was confirmed to customer #{} through {so} at {to} (true time), then to customer #{} through {st} {gap} later, before {st} knew of the first hold: two holders at once.",
                    seat(a.req), cust(o), cust(a.req)
                ),
                Lang::Fr => format!(
                    "La place {} a été confirmée au client n°{} via {so} à {to} (temps vrai), puis au client n°{} via {st} {gap} plus tard, avant que {st} ne connaisse la première réservation : deux détenteurs à la fois.",
                    seat(a.req), cust(o), cust(a.req)
                ),
            }
        }
        AnomalyKind::EarlySale => {
            let rx = find(&|o| *o == Obs::Received { req: a.req })?;
            let s = node(rx.from);
            let t = w.at("true_time", rx.t);
            let before = w.dur("before_opening", judge.opening - rx.t, 3);
            let err = w.error("clock_error", rx.local - rx.t);
            let local = w.at("stamp", rx.local);
            match lang {
                Lang::En => format!(
                    "Seat {} was held for customer #{} at {t} true time, {before} before the opening, because {s}'s clock, {err}, read {local}.",
                    seat(a.req), cust(a.req)
                ),
                Lang::Fr => format!(
                    "La place {} a été réservée au client n°{} à {t} en temps vrai, {before} avant l'ouverture, parce que l'horloge de {s}, avec {err}, indiquait {local}.",
                    seat(a.req), cust(a.req)
                ),
            }
        }
        AnomalyKind::WronglyRefused => {
            let d = find(&|o| matches!(o, Obs::Decided { req, .. } if *req == a.req))?;
            let Obs::Decided {
                decision: Decision::Refused(why),
                ..
            } = d.obs
            else {
                return None;
            };
            let reason = match why {
                Refusal::NotOpen => w.en_fr("sale not open", "vente pas ouverte"),
                Refusal::TokenNotYetValid => {
                    w.en_fr("token not yet valid", "jeton pas encore valide")
                }
                Refusal::TokenExpired => w.en_fr("token expired", "jeton expiré"),
                _ => w.en_fr("refused", "refusé"),
            };
            let s = node(d.from);
            let t = w.at("true_time", d.t);
            let err = w.error("clock_error", d.local - d.t);
            let local = w.at("stamp", d.local);
            match lang {
                Lang::En => format!(
                    "Customer #{} was refused ({reason}) by {s} at {t} true time, because its clock, {err}, read {local}; true time would have served them.",
                    cust(a.req)
                ),
                Lang::Fr => format!(
                    "Le client n°{} a été refusé ({reason}) par {s} à {t} en temps vrai, parce que son horloge, avec {err}, indiquait {local} ; le temps vrai l'aurait servi.",
                    cust(a.req)
                ),
            }
        }
        AnomalyKind::PrematureExpiry | AnomalyKind::LateExpiry => {
            let granted = find(&|o| *o == Obs::HoldGranted { req: a.req })?;
            let judged = ev.iter().copied().find(|s| !std::ptr::eq(*s, granted))?;
            if judged.from.layer != Layer::Server {
                // The database released it, by the clock reading a server sent (not
                // kept): true time only.
                let age = w.dur("true_age", judged.t - granted.t, 1);
                let ttl = w.dur("ttl", judge.ttl, 0);
                let (c, seat) = (cust(a.req), seat(a.req));
                return Some(Explanation {
                    kind: a.kind,
                    t: a.t,
                    requests,
                    text: match (a.kind, lang) {
                        (AnomalyKind::PrematureExpiry, Lang::En) => format!("Customer #{c}'s hold on seat {seat} was released as expired by a server's clock after only {age} in true time, under the {ttl} time-to-live."),
                        (AnomalyKind::PrematureExpiry, Lang::Fr) => format!("La réservation du client n°{c} sur la place {seat} a été libérée comme expirée par l'horloge d'un serveur après seulement {age} en temps vrai, sous la durée de vie de {ttl}."),
                        (_, Lang::En) => format!("Customer #{c}'s hold on seat {seat} was judged still valid by a server's clock after {age} in true time, over the {ttl} time-to-live."),
                        (_, Lang::Fr) => format!("La réservation du client n°{c} sur la place {seat} a été jugée encore valide par l'horloge d'un serveur après {age} en temps vrai, au-delà de la durée de vie de {ttl}."),
                    },
                    figures: w.figures,
                });
            }
            let (g, j) = (node(granted.from), line(judged).0);
            let stamp = w.at("granted_stamp", granted.local);
            let local = w.at("judged_clock", judged.local);
            let by_clocks = w.dur("age_by_clocks", judged.local - granted.local, 1);
            let age = w.dur("true_age", judged.t - granted.t, 1);
            let ttl = w.dur("ttl", judge.ttl, 0);
            let c = cust(a.req);
            let seat = seat(a.req);
            match (a.kind, lang) {
                (AnomalyKind::PrematureExpiry, Lang::En) => format!(
                    "Customer #{c}'s hold on seat {seat}, stamped {stamp} by {g}, was released as expired by {j}, whose clock read {local}: {by_clocks} by the clocks, but only {age} in true time, under the {ttl} time-to-live."
                ),
                (AnomalyKind::PrematureExpiry, Lang::Fr) => format!(
                    "La réservation du client n°{c} sur la place {seat}, horodatée {stamp} par {g}, a été libérée comme expirée par {j}, dont l'horloge indiquait {local} : {by_clocks} selon les horloges, mais seulement {age} en temps vrai, sous la durée de vie de {ttl}."
                ),
                (_, Lang::En) => format!(
                    "Customer #{c}'s hold on seat {seat}, stamped {stamp} by {g}, was judged still valid by {j}, whose clock read {local}: {by_clocks} by the clocks, but {age} had passed in true time, over the {ttl} time-to-live."
                ),
                (_, Lang::Fr) => format!(
                    "La réservation du client n°{c} sur la place {seat}, horodatée {stamp} par {g}, a été jugée encore valide par {j}, dont l'horloge indiquait {local} : {by_clocks} selon les horloges, mais {age} s'étaient écoulées en temps vrai, au-delà de la durée de vie de {ttl}."
                ),
            }
        }
        AnomalyKind::OrderInversion => {
            let this = *ev.last()?;
            let higher = *ev.first()?;
            if std::ptr::eq(this, higher) {
                return None;
            }
            if let Some(r) = req_of(&higher.obs) {
                requests.push(r);
            }
            let ((s, stamp), (s2, stamp2)) = (line(this), line(higher));
            let t = w.at("true_time", this.t);
            let st = w.at("stamp", stamp);
            let gap = w.dur("gap", this.t - higher.t, 3);
            let st2 = w.at("earlier_line_stamp", stamp2);
            match lang {
                Lang::En => format!(
                    "The line {s} wrote at {t} true time is stamped {st}, before the line {s2} had written {gap} earlier in true time, stamped {st2}: the log is out of order."
                ),
                Lang::Fr => format!(
                    "La ligne écrite par {s} à {t} en temps vrai est horodatée {st}, avant la ligne que {s2} avait écrite {gap} plus tôt en temps vrai, horodatée {st2} : le journal est dans le désordre."
                ),
            }
        }
    };
    Some(Explanation {
        kind: a.kind,
        t: a.t,
        requests,
        text,
        figures: w.figures,
    })
}
