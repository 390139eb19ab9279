//! Scenario presets: one table, [`PRESETS`], that the command line's help, the app's
//! preset bar and `docs/MODEL.md` ("Presets") all read.
//!
//! Each entry names a preset, its group, what it shows in one line (English and
//! French), the initial offsets the menu shows, and a plain function that builds its
//! [`Config`]. A preset decides how many servers there are, their initial offsets, and
//! whether NTP runs with which faults; skew, wander and jitter are separate knobs and
//! stay zero here, so `reset` is exact, except in the two `ntp_lan_one_source` presets,
//! whose one clock runs 50 ppm fast to show a discipline learning its frequency.
//!
//! # Examples
//! ```
//! use driftlab_sim::presets::{Group, Lang, PRESETS};
//! let synced = PRESETS.iter().find(|p| p.name == "synced").unwrap();
//! assert_eq!(synced.group, Group::Ntp);
//! assert!(synced.config().ntp.enabled);
//! assert!(synced.summary(Lang::Fr).starts_with("Dérive extrême"));
//! ```

use crate::clock::ClockConfig;
use crate::config::{Config, Policy, ServerConfig};
use crate::data::config::{Failover, ReadFrom};
use crate::gateway::config::Algorithm;
use crate::net::{Jitter, LinkConfig};
use crate::ntp::auth::Key;
use crate::ntp::{ClientConfig, ClientMode, DisciplineKind};
use crate::server::config::{Becomes, InstanceFault, LockKind};
use crate::timesync::{Fault, TimeServerConfig};

/// A family of presets; the app's menu shows one group after the other.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Group {
    /// Clocks drifting apart, NTP off: how far is too far.
    Drift,
    /// Starting points: the original demo and exact clocks.
    Baseline,
    /// NTP on, alone or with a fault to outvote or to suffer.
    Ntp,
    /// The front of the system: a gateway balancing the load over the instances.
    Gateway,
    /// Behind the servers: a primary database, its replicas, failover.
    Data,
}

impl Group {
    /// Every group, in menu order.
    pub const ALL: [Group; 5] = [
        Group::Drift,
        Group::Baseline,
        Group::Ntp,
        Group::Gateway,
        Group::Data,
    ];

    /// The group's stable lower-case name (`drift`, `baseline`, `ntp`), as the command
    /// line's help and the docs write it.
    pub fn name(self) -> &'static str {
        match self {
            Group::Drift => "drift",
            Group::Baseline => "baseline",
            Group::Ntp => "ntp",
            Group::Gateway => "gateway",
            Group::Data => "data",
        }
    }
}

/// A language the presets' texts are written in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// French.
    Fr,
}

impl Lang {
    /// The language of a two-letter code (`"en"`, `"fr"`, any case); `None` for others.
    pub fn from_code(code: &str) -> Option<Lang> {
        match code.to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "fr" => Some(Lang::Fr),
            _ => None,
        }
    }
}

/// One preset: its name, group, texts and builder.
#[derive(Clone, Copy, Debug)]
pub struct Preset {
    /// The name the command line, scenario files and the app's URL use.
    pub name: &'static str,
    /// Which family it belongs to.
    pub group: Group,
    /// The short label of the app's button, in English.
    pub label_en: &'static str,
    /// The short label of the app's button, in French.
    pub label_fr: &'static str,
    /// One plain sentence, in English: what a student will see.
    pub summary_en: &'static str,
    /// The same sentence in French.
    pub summary_fr: &'static str,
    /// Initial offsets of `server-1`, `server-2`, …, in seconds (as the menu shows
    /// them; the builder sets exactly these).
    pub offsets_s: &'static [f64],
    /// The worst case of its group: the app's menu draws it in the warning colour.
    pub alarming: bool,
    /// Builds the preset's config, with every knob it does not set at its default.
    pub build: fn() -> Config,
}

impl Preset {
    /// The one-line summary in `lang`.
    pub fn summary(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.summary_en,
            Lang::Fr => self.summary_fr,
        }
    }

    /// The button's short label in `lang`.
    pub fn label(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.label_en,
            Lang::Fr => self.label_fr,
        }
    }

    /// The preset's config (calls [`Preset::build`]).
    pub fn config(&self) -> Config {
        (self.build)()
    }
}

const MINOR: &[f64] = &[0.0, -1.0, 0.5];
const MAJOR: &[f64] = &[0.0, -10.0, 5.0, -3.0];
const EXTREME: &[f64] = &[0.0, -30.0, 15.0, -8.0, 12.0];
const DEMO: &[f64] = &[0.0, -5.0, 3.0, -2.0];
const EXACT: &[f64] = &[0.0, 0.0, 0.0];
const ONE_AHEAD: &[f64] = &[15.0];
/// Five exact clocks (the gateway presets).
const EXACT5: &[f64] = &[0.0, 0.0, 0.0, 0.0, 0.0];

/// Every preset, in the order the app's menu shows them (group by group).
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "minor_drift",
        group: Group::Drift,
        label_en: "minor",
        label_fr: "faible",
        summary_en: "Three servers within a second and a half: occasional conflicts, mostly settled right.",
        summary_fr: "Trois serveurs à moins d'une seconde et demie : quelques conflits, presque tous bien réglés.",
        offsets_s: MINOR,
        alarming: false,
        build: minor_drift,
    },
    Preset {
        name: "major_drift",
        group: Group::Drift,
        label_en: "major",
        label_fr: "forte",
        summary_en: "Four servers up to 15 s apart: frequent wrong winners and a log out of order.",
        summary_fr: "Quatre serveurs jusqu'à 15 s d'écart : souvent le mauvais gagnant, et un journal dans le désordre.",
        offsets_s: MAJOR,
        alarming: false,
        build: major_drift,
    },
    Preset {
        name: "extreme_drift",
        group: Group::Drift,
        label_en: "extreme",
        label_fr: "extrême",
        summary_en: "Five servers up to 45 s apart: early sales, refused customers, seats to the wrong people.",
        summary_fr: "Cinq serveurs jusqu'à 45 s d'écart : ventes anticipées, clients refusés, places aux mauvaises personnes.",
        offsets_s: EXTREME,
        alarming: true,
        build: extreme_drift,
    },
    Preset {
        name: "start_demo",
        group: Group::Baseline,
        label_en: "start demo",
        label_fr: "démo de départ",
        summary_en: "The original demo's four servers (0, −5, +3, −2 s): a gentle start for a class.",
        summary_fr: "Les quatre serveurs de la démo d'origine (0, −5, +3, −2 s) : un début en douceur pour une classe.",
        offsets_s: DEMO,
        alarming: false,
        build: start_demo,
    },
    Preset {
        name: "reset",
        group: Group::Baseline,
        label_en: "reset",
        label_fr: "remise à zéro",
        summary_en: "Three servers with exact clocks: the baseline, where clocks decide nothing wrongly.",
        summary_fr: "Trois serveurs à l'heure exacte : la référence, où les horloges ne faussent rien.",
        offsets_s: EXACT,
        alarming: false,
        build: reset,
    },
    Preset {
        name: "synced",
        group: Group::Ntp,
        label_en: "synced",
        label_fr: "synchro",
        summary_en: "Extreme drift with NTP on: clocks stepped back within milliseconds, order restored.",
        summary_fr: "Dérive extrême avec NTP actif : horloges recalées à quelques millisecondes près, ordre rétabli.",
        offsets_s: EXTREME,
        alarming: false,
        build: synced,
    },
    Preset {
        name: "ntp_falseticker",
        group: Group::Ntp,
        label_en: "liar",
        label_fr: "menteur",
        summary_en: "NTP with one time server lying by +10 s: the others outvote it.",
        summary_fr: "NTP avec un serveur de temps qui ment de +10 s : les autres le mettent en minorité.",
        offsets_s: EXTREME,
        alarming: false,
        build: ntp_falseticker,
    },
    Preset {
        name: "ntp_subtle_falseticker",
        group: Group::Ntp,
        label_en: "subtle liar",
        label_fr: "menteur discret",
        summary_en: "NTP with one time server only 0.8 s off: averaged in while the intervals are wide, found out as they shrink.",
        summary_fr: "NTP avec un serveur de temps décalé de 0,8 s seulement : pris dans la moyenne tant que les intervalles sont larges, démasqué quand ils se resserrent.",
        offsets_s: EXTREME,
        alarming: false,
        build: ntp_subtle_falseticker,
    },
    Preset {
        name: "ntp_asymmetric",
        group: Group::Ntp,
        label_en: "asymmetry",
        label_fr: "asymétrie",
        summary_en: "NTP over a route 20 ms out, 0 ms back: every clock ends 10 ms off, and NTP cannot tell.",
        summary_fr: "NTP sur une route de 20 ms à l'aller, 0 ms au retour : chaque horloge finit décalée de 10 ms, sans que NTP puisse le voir.",
        offsets_s: EXTREME,
        alarming: false,
        build: ntp_asymmetric,
    },
    Preset {
        name: "ntp_unreachable",
        group: Group::Ntp,
        label_en: "outage",
        label_fr: "panne",
        summary_en: "NTP with a primary time server down: a fallback server takes over.",
        summary_fr: "NTP avec un serveur de temps principal en panne : un serveur de secours prend le relais.",
        offsets_s: EXTREME,
        alarming: false,
        build: ntp_unreachable,
    },
    Preset {
        name: "ntp_popcorn",
        group: Group::Ntp,
        label_en: "spikes",
        label_fr: "pics",
        summary_en: "NTP over paths where one packet in ten waits 50 ms more: the filter and the popcorn suppressor keep the spikes out of the clocks.",
        summary_fr: "NTP sur des chemins où un paquet sur dix attend 50 ms de plus : le filtre et l'anti-pics gardent ces pics hors des horloges.",
        offsets_s: EXTREME,
        alarming: false,
        build: ntp_popcorn,
    },
    Preset {
        name: "ntp_unsynced_primary",
        group: Group::Ntp,
        label_en: "lost reference",
        label_fr: "référence perdue",
        summary_en: "NTP with a primary time server that answers but has lost its reference (stratum 16): refused, and a fallback takes over.",
        summary_fr: "NTP avec un serveur de temps principal qui répond mais a perdu sa référence (strate 16) : refusé, un serveur de secours prend le relais.",
        offsets_s: EXTREME,
        alarming: false,
        build: ntp_unsynced_primary,
    },
    Preset {
        name: "ntp_fail_closed",
        group: Group::Ntp,
        label_en: "fail closed",
        label_fr: "refus par sécurité",
        summary_en: "Extreme drift, NTP on, servers that refuse to sell while unsynchronised: a few refusals at the start and while server-2's NTP is off, no sale by a wrong clock.",
        summary_fr: "Dérive extrême, NTP actif, des serveurs qui refusent de vendre tant qu'ils ne sont pas synchronisés : quelques refus au départ et pendant que le NTP du serveur 2 est coupé, aucune vente sur une horloge fausse.",
        offsets_s: EXTREME,
        alarming: false,
        build: ntp_fail_closed,
    },
    Preset {
        name: "ntp_lan_one_source",
        group: Group::Ntp,
        label_en: "chrony",
        label_fr: "chrony",
        summary_en: "One server 15 s ahead at +50 ppm, one time server on the LAN, chrony-style: stepped at once, the frequency learnt in minutes.",
        summary_fr: "Un serveur en avance de 15 s à +50 ppm, un serveur de temps sur le réseau local, à la chrony : recalé tout de suite, la fréquence apprise en quelques minutes.",
        offsets_s: ONE_AHEAD,
        alarming: false,
        build: ntp_lan_one_source,
    },
    Preset {
        name: "ntp_lan_one_source_ntpd",
        group: Group::Ntp,
        label_en: "ntpd",
        label_fr: "ntpd",
        summary_en: "The same with ntpd's loop: stepped at once, then five minutes watching the drift, and a slow loop.",
        summary_fr: "La même chose avec la boucle de ntpd : recalé tout de suite, puis cinq minutes à mesurer la dérive, et une boucle lente.",
        offsets_s: ONE_AHEAD,
        alarming: false,
        build: ntp_lan_one_source_ntpd,
    },
    Preset {
        name: "ntp_cold_start",
        group: Group::Ntp,
        label_en: "cold start",
        label_fr: "démarrage à froid",
        summary_en: "One server 15 s ahead at +50 ppm, no drift file, the usual time servers: stepped at once, five minutes watching the drift (a few ppm short), then ntpd's slow loop.",
        summary_fr: "Un serveur en avance de 15 s à +50 ppm, sans fichier de dérive, sur les serveurs de temps habituels : recalé tout de suite, cinq minutes à mesurer la dérive (à quelques ppm près), puis la boucle lente de ntpd.",
        offsets_s: ONE_AHEAD,
        alarming: false,
        build: ntp_cold_start,
    },
    Preset {
        name: "ntp_first_answer_liar",
        group: Group::Ntp,
        label_en: "first answer",
        label_fr: "première réponse",
        summary_en: "The report's NTPService (SNTP-like: ask the time servers in order, believe the first answer) while ntp-a, the first, lies by +10 s: every clock ends 10 s ahead; full NTP outvotes it.",
        summary_fr: "Le NTPService du rapport (à la SNTP : interroger les serveurs de temps dans l'ordre, croire la première réponse) alors que ntp-a, le premier, ment de +10 s : toutes les horloges finissent 10 s en avance ; NTP complet le met en minorité.",
        offsets_s: EXTREME,
        alarming: true,
        build: ntp_first_answer_liar,
    },
    Preset {
        name: "ntp_spoofed",
        group: Group::Ntp,
        label_en: "spoofed",
        label_fr: "usurpé",
        summary_en: "An attacker on ntp-a's path adds 20 s to its replies; each server asks ntp-a first, without keys: every clock jumps 20 s ahead. With ntp.client.key = 1 the forged replies fail authentication and a fallback takes over.",
        summary_fr: "Un attaquant sur le chemin de ntp-a ajoute 20 s à ses réponses ; chaque serveur interroge d'abord ntp-a, sans clés : toutes les horloges sautent de 20 s en avant. Avec ntp.client.key = 1, les réponses falsifiées échouent à l'authentification et un serveur de secours prend le relais.",
        offsets_s: EXACT,
        alarming: false,
        build: ntp_spoofed,
    },
    Preset {
        name: "lb_weighted",
        group: Group::Gateway,
        label_en: "weighted",
        label_fr: "pondéré",
        summary_en: "A gateway in front of three exact servers, weights 3:1:1: exactly 300, 100 and 100 of every 500 requests.",
        summary_fr: "Une passerelle devant trois serveurs à l'heure, poids 3:1:1 : exactement 300, 100 et 100 requêtes sur 500.",
        offsets_s: EXACT,
        alarming: false,
        build: lb_weighted,
    },
    Preset {
        name: "instance_crash",
        group: Group::Gateway,
        label_en: "crash",
        label_fr: "plantage",
        summary_en: "server-3 of 5 crashes at 10:00:10 and restarts at 10:01:40: refused connections are retried elsewhere, health checks mark it down and up again.",
        summary_fr: "server-3 sur 5 plante à 10:00:10 et redémarre à 10:01:40 : les connexions refusées sont retentées ailleurs, les contrôles de santé le marquent hors service puis de retour.",
        offsets_s: EXACT5,
        alarming: false,
        build: instance_crash,
    },
    Preset {
        name: "instance_hang",
        group: Group::Gateway,
        label_en: "hang",
        label_fr: "blocage",
        summary_en: "server-3 of 5 hangs from 10:00:10 to 10:01:40: requests sent to it wait out the gateway's timeout until the health checks mark it down.",
        summary_fr: "server-3 sur 5 se bloque de 10:00:10 à 10:01:40 : les requêtes qu'il reçoit attendent la fin du délai de la passerelle, jusqu'à ce que les contrôles de santé l'écartent.",
        offsets_s: EXACT5,
        alarming: false,
        build: instance_hang,
    },
    Preset {
        name: "rate_limit",
        group: Group::Gateway,
        label_en: "rate limit",
        label_fr: "limite de débit",
        summary_en: "A bot sends 50 claims a second from 10:00:00 through a gateway that allows each customer 5 a second, bursts of 10: it gets at most 10 + 5·t through; the other customers never notice.",
        summary_fr: "Un robot envoie 50 demandes par seconde dès 10:00:00 à une passerelle qui en permet 5 par seconde à chaque client, par rafales de 10 : il en passe au plus 10 + 5·t ; les autres clients ne s'en aperçoivent pas.",
        offsets_s: EXACT5,
        alarming: false,
        build: rate_limit,
    },
    Preset {
        name: "lb_slow_instance",
        group: Group::Gateway,
        label_en: "slow instance",
        label_fr: "instance lente",
        summary_en: "Five instances with worker threads, server-3 five times slower, a steady 300 requests a second: round robin still sends it a fifth and its queue overflows (errors); least connections and two choices send it less and nothing fails.",
        summary_fr: "Cinq instances avec des fils de travail, server-3 cinq fois plus lent, 300 requêtes par seconde en continu : le tourniquet lui en envoie toujours un cinquième et sa file déborde (erreurs) ; moins de connexions et deux choix lui en envoient moins et rien n'échoue.",
        offsets_s: EXACT5,
        alarming: false,
        build: lb_slow_instance,
    },
    Preset {
        name: "lb_hash_one_client",
        group: Group::Gateway,
        label_en: "hash, one client",
        label_fr: "hachage, un client",
        summary_en: "Hashing by client address while every customer comes from one load generator's address: every request lands on one instance, whatever the number of instances.",
        summary_fr: "Hachage par adresse du client alors que tous les clients viennent de l'adresse d'un seul générateur de charge : chaque requête arrive sur la même instance, quel que soit le nombre d'instances.",
        offsets_s: EXACT5,
        alarming: false,
        build: lb_hash_one_client,
    },
    Preset {
        name: "lock_per_instance",
        group: Group::Gateway,
        label_en: "lock per instance",
        label_fr: "verrou par instance",
        summary_en: "No unique constraint, a lock inside each of three instances around check-then-insert: it stops the races inside one process, not those between processes (double bookings remain; with one instance, none).",
        summary_fr: "Sans contrainte d'unicité, un verrou dans chacune des trois instances autour de « vérifier puis insérer » : il empêche les courses dans un processus, pas entre processus (il reste des doubles réservations ; avec une seule instance, aucune).",
        offsets_s: EXACT,
        alarming: true,
        build: lock_per_instance,
    },
    Preset {
        name: "lock_global",
        group: Group::Gateway,
        label_en: "global lock",
        label_fr: "verrou global",
        summary_en: "One lock for all three instances, kept by the database: no double booking, but one check-then-insert at a time (about 24 a second): the flash crowd waits and many customers give up.",
        summary_fr: "Un seul verrou pour les trois instances, tenu par la base de données : aucune double réservation, mais une seule vérification-insertion à la fois (environ 24 par seconde) : la foule attend et beaucoup de clients abandonnent.",
        offsets_s: EXACT,
        alarming: false,
        build: lock_global,
    },
    Preset {
        name: "lost_reply_retry",
        group: Group::Gateway,
        label_en: "lost reply",
        label_fr: "réponse perdue",
        summary_en: "5 % of the answers are lost on the way back and customers click again: without an idempotency key the seat they were given stays held for nobody until it expires; with one, the retry gets the same hold.",
        summary_fr: "5 % des réponses se perdent au retour et les clients cliquent à nouveau : sans clé d'idempotence, la place qu'ils avaient obtenue reste bloquée pour personne jusqu'à expiration ; avec une clé, la nouvelle tentative reçoit la même réservation.",
        offsets_s: EXACT,
        alarming: true,
        build: lost_reply_retry,
    },
    Preset {
        name: "load_test",
        group: Group::Gateway,
        label_en: "load test",
        label_fr: "test de charge",
        summary_en: "50 closed-loop users against 5 single-threaded instances on one 4-core machine, 10 ms of work per request: Little's law holds, and past 4 instances throughput stops growing (driftlab sweep runs the whole matrix).",
        summary_fr: "50 utilisateurs en boucle fermée contre 5 instances à un seul fil sur une machine à 4 cœurs, 10 ms de travail par requête : la loi de Little tient, et au-delà de 4 instances le débit ne croît plus (driftlab sweep parcourt toute la matrice).",
        offsets_s: EXACT5,
        alarming: false,
        build: load_test,
    },
    Preset {
        name: "replica_lag",
        group: Group::Data,
        label_en: "lag",
        label_fr: "retard",
        summary_en: "Seat maps come from a replica 1 s behind the primary, under unique: customers click seats already taken, so \"seat taken\" refusals grow with the lag; double bookings stay 0.",
        summary_fr: "Les plans de salle viennent d'un réplica en retard d'1 s sur le primaire, sous unique : les clients cliquent des places déjà prises, les refus « place prise » croissent avec le retard ; aucune double réservation.",
        offsets_s: EXACT,
        alarming: false,
        build: replica_lag,
    },
    Preset {
        name: "replica_check_then_insert",
        group: Group::Data,
        label_en: "check",
        label_fr: "vérif.",
        summary_en: "no-lock checks the seat on a replica 1 s behind, then inserts on the primary: far more double bookings than checking on the primary.",
        summary_fr: "no-lock vérifie la place sur un réplica en retard d'1 s, puis insère sur le primaire : bien plus de doubles réservations qu'en vérifiant sur le primaire.",
        offsets_s: EXACT,
        alarming: false,
        build: replica_check_then_insert,
    },
    Preset {
        name: "primary_down",
        group: Group::Data,
        label_en: "down",
        label_fr: "panne",
        summary_en: "The primary crashes at 10:00:30 and nobody promotes the replica: no confirmation afterwards, while the replica goes on answering the availability checks. Replication is not high availability.",
        summary_fr: "Le primaire plante à 10:00:30 et personne ne promeut le réplica : plus aucune confirmation, alors que le réplica continue de répondre aux vérifications. La réplication n'est pas la haute disponibilité.",
        offsets_s: EXACT,
        alarming: false,
        build: primary_down,
    },
    Preset {
        name: "failover_manual",
        group: Group::Data,
        label_en: "manual",
        label_fr: "manuelle",
        summary_en: "The primary crashes at 10:00:30; the proxies check it every 2 s (fall 3, rise 2) and page an operator, who promotes the replica 7 minutes later: writes refused for about 7 minutes, and no replica left afterwards.",
        summary_fr: "Le primaire plante à 10:00:30 ; les proxys le testent toutes les 2 s (fall 3, rise 2) et appellent un opérateur, qui promeut le réplica 7 minutes plus tard : écritures refusées pendant environ 7 minutes, et plus de réplica ensuite.",
        offsets_s: EXACT,
        alarming: false,
        build: failover_manual,
    },
    Preset {
        name: "failover_auto",
        group: Group::Data,
        label_en: "auto",
        label_fr: "auto",
        summary_en: "The primary crashes at 10:00:30; a leader lease (ttl 30 s, loop_wait 10 s, as Patroni) lets the replica take over: no primary for about 24 s here (20 to 44 s, by where the crash falls between two renewals), against 7 minutes by hand.",
        summary_fr: "Le primaire plante à 10:00:30 ; un bail de leader (ttl 30 s, loop_wait 10 s, comme Patroni) laisse le réplica prendre la main : pas de primaire pendant environ 24 s ici (20 à 44 s selon le moment du plantage entre deux renouvellements), contre 7 minutes à la main.",
        offsets_s: EXACT,
        alarming: false,
        build: failover_auto,
    },
    Preset {
        name: "failover_async_loss",
        group: Group::Data,
        label_en: "async loss",
        label_fr: "perte async",
        summary_en: "Replication 200 ms behind, the primary crashes in the crowd at 10:00:02: holds confirmed in its last 200 ms are lost at the promotion and their seats resold; with a synchronous replica, none.",
        summary_fr: "Réplication à 200 ms, le primaire plante dans la foule à 10:00:02 : les réservations confirmées dans ses 200 dernières ms sont perdues à la promotion et leurs places revendues ; avec un réplica synchrone, aucune.",
        offsets_s: EXACT,
        alarming: true,
        build: failover_async_loss,
    },
    Preset {
        name: "split_brain",
        group: Group::Data,
        label_en: "split brain",
        label_fr: "split brain",
        summary_en: "The primary is cut off from 09:59:35 to 10:01:05 with server-1 still on its side, no fencing: the replica takes over at the opening and both accept writes, double bookings under unique; with fencing, none.",
        summary_fr: "Le primaire est isolé de 09:59:35 à 10:01:05, server-1 resté de son côté, sans fencing : le réplica prend la main à l'ouverture et les deux acceptent des écritures, doubles réservations sous unique ; avec fencing, aucune.",
        offsets_s: EXACT,
        alarming: true,
        build: split_brain,
    },
    Preset {
        name: "failover_clock_jump",
        group: Group::Data,
        label_en: "clock jump",
        label_fr: "horloge",
        summary_en: "The replica promoted after the crash at 10:00:30 has a clock 120 s fast: holds, aged by the database's own clock, expire 2 minutes early after the failover; with NTP on (the database nodes run NTP clients too: the replica's clock is stepped back long before the crash), none do.",
        summary_fr: "Le réplica promu après le plantage de 10:00:30 avance de 120 s : les réservations, dont l'âge est compté par l'horloge de la base, expirent 2 minutes trop tôt après la bascule ; avec NTP (les nœuds de la base ont aussi leur client NTP : l'horloge du réplica est recalée bien avant le plantage), aucune.",
        offsets_s: EXACT,
        alarming: false,
        build: failover_clock_jump,
    },
    Preset {
        name: "feed_sse_vs_polling",
        group: Group::Data,
        label_en: "SSE / poll",
        label_fr: "SSE / poll",
        summary_en: "Each customer chooses from their own seat map, kept up to date by a change feed pushed over SSE: maps are about one connection latency stale. Switch the feed to polling every 5 s: maps 2.5 s stale on average, more \"seat taken\" refusals, and every open page polling the servers.",
        summary_fr: "Chaque client choisit sur son propre plan de salle, tenu à jour par un flux de changements poussé en SSE : les plans ont environ une latence de connexion de retard. Passez le flux en polling toutes les 5 s : 2,5 s de retard en moyenne, plus de refus « place prise », et chaque page ouverte interroge les serveurs.",
        offsets_s: EXACT,
        alarming: false,
        build: feed_sse_vs_polling,
    },
    Preset {
        name: "feed_listener_down",
        group: Group::Data,
        label_en: "listener",
        label_fr: "écoute",
        summary_en: "The feed's listener is disconnected from the database for 30 s in the flash crowd (10:00:05-10:00:35) with a LISTEN/NOTIFY-like broadcast: every change of that window is lost, the maps stay wrong. With the log-based feed, none is lost and some come twice.",
        summary_fr: "L'écoute du flux est coupée de la base 30 s pendant la ruée (10:00:05-10:00:35), avec une diffusion façon LISTEN/NOTIFY : tous les changements de cette fenêtre sont perdus, les plans restent faux. Avec le flux lu dans le journal, aucun n'est perdu et certains arrivent deux fois.",
        offsets_s: EXACT,
        alarming: true,
        build: feed_listener_down,
    },
    Preset {
        name: "feed_lag_clock_skew",
        group: Group::Data,
        label_en: "lag skew",
        label_fr: "retard faussé",
        summary_en: "The notification service's clock is 2 s slow: the lag it reports (its clock minus the database's commit stamp) is the true lag minus 2 s, negative for almost every change.",
        summary_fr: "L'horloge du service de notification retarde de 2 s : le retard qu'il affiche (son horloge moins l'horodatage du commit par la base) est le vrai retard moins 2 s, négatif pour presque chaque changement.",
        offsets_s: EXACT,
        alarming: false,
        build: feed_lag_clock_skew,
    },
    Preset {
        name: "cache_stale_refill",
        group: Group::Data,
        label_en: "stale refill",
        label_fr: "cache périmé",
        summary_en: "Cache-aside, TTL 60 s, pages read from a replica 500 ms behind: after a write deletes a seat's key, the next miss reads the old value on the replica and puts it back: the cache serves it for about 60 s; with no lag, not at all.",
        summary_fr: "Cache-aside, TTL 60 s, pages lues sur un réplica en retard de 500 ms : après qu'une écriture a supprimé la clé d'une place, le défaut suivant lit l'ancienne valeur sur le réplica et la remet : le cache la sert pendant environ 60 s ; sans retard, jamais.",
        offsets_s: EXACT,
        alarming: false,
        build: cache_stale_refill,
    },
    Preset {
        name: "cache_stampede",
        group: Group::Data,
        label_en: "stampede",
        label_fr: "ruée",
        summary_en: "1 000 readers open the hottest seat's page within 0.1 s while its key is missing: about 1 000 queries hit the database at once and pages take up to a second; with single-flight, one query per fill.",
        summary_fr: "1 000 lecteurs ouvrent la page de la place la plus demandée en 0,1 s alors que sa clé manque : environ 1 000 requêtes frappent la base d'un coup et les pages mettent jusqu'à une seconde ; avec le single-flight, une requête par remplissage.",
        offsets_s: EXACT,
        alarming: false,
        build: cache_stampede,
    },
    Preset {
        name: "cache_down",
        group: Group::Data,
        label_en: "cache down",
        label_fr: "cache en panne",
        summary_en: "1 000 readers, the cache down from 10:01:00 to 10:02:00: every page falls through to a database that answers 300 queries a second: it saturates, pages fail and slow down, then all recover once the cache is back.",
        summary_fr: "1 000 lecteurs, le cache en panne de 10:01:00 à 10:02:00 : chaque page tombe sur une base qui répond à 300 requêtes par seconde : elle sature, des pages échouent et ralentissent, puis tout revient quand le cache revient.",
        offsets_s: EXACT,
        alarming: true,
        build: cache_down,
    },
    Preset {
        name: "long_day",
        group: Group::Data,
        label_en: "a whole day",
        label_fr: "une journée entière",
        summary_en: "24 hours of a steady trickle (4 000 customers from midnight, one every 22 s) with every layer on: NTP, a gateway with health checks, the data path, the cache and the change feed. The run stays within bounded memory.",
        summary_fr: "24 heures d'un flux régulier (4 000 clients dès minuit, un toutes les 22 s) avec toutes les couches : NTP, une passerelle avec contrôles de santé, le chemin des données, le cache et le flux de changements. La partie tient dans une mémoire bornée.",
        offsets_s: DEMO,
        alarming: false,
        build: long_day,
    },
];

/// The names of every preset, comma-separated (for error messages).
pub fn preset_names() -> String {
    PRESETS
        .iter()
        .map(|p| p.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The config of preset `name`, with every other knob at its default.
///
/// # Examples
/// ```
/// let c = driftlab_sim::presets::preset("extreme_drift").unwrap();
/// assert_eq!(c.servers.len(), 5);
/// assert_eq!(c.servers[1].clock.offset_ms, -30_000.0);
/// assert!(driftlab_sim::presets::preset("huge").unwrap_err().contains("minor_drift"));
/// ```
pub fn preset(name: &str) -> Result<Config, String> {
    PRESETS
        .iter()
        .find(|p| p.name == name)
        .map(Preset::config)
        .ok_or_else(|| format!("unknown preset {name:?}; valid presets: {}", preset_names()))
}

// ----- the builders -------------------------------------------------------------------

/// Faults dated 0 (midnight) are due as soon as the run starts, whenever it starts.
const AT_START: f64 = 0.0;
/// `ntp-a`, `ntp-b`: the first two stratum-2 servers of the default NTP hierarchy
/// (indices in `ntp.servers`; see [`crate::timesync::NtpConfig::default`]).
const NTP_A: usize = 2;
const NTP_B: usize = 3;

/// Preset `name`: servers with these initial offsets (seconds), NTP off, every other
/// knob at its default.
fn clocks(name: &str, offsets_s: &[f64]) -> Config {
    Config {
        preset: name.to_string(),
        servers: offsets_s
            .iter()
            .map(|&s| ServerConfig {
                clock: ClockConfig {
                    offset_ms: s * 1000.0,
                    ..Default::default()
                },
            })
            .collect(),
        // Seed 42, `local-timestamp`, every layer's defaults.
        ..Config::default()
    }
}

/// Preset `name`: [`clocks`], with NTP on every reservation server from the start.
fn with_ntp(name: &str, offsets_s: &[f64]) -> Config {
    let mut c = clocks(name, offsets_s);
    c.ntp.enabled = true;
    c
}

fn minor_drift() -> Config {
    clocks("minor_drift", MINOR)
}

fn major_drift() -> Config {
    clocks("major_drift", MAJOR)
}

fn extreme_drift() -> Config {
    clocks("extreme_drift", EXTREME)
}

fn start_demo() -> Config {
    clocks("start_demo", DEMO)
}

fn reset() -> Config {
    clocks("reset", EXACT)
}

/// Preset `name`: `n` exact servers behind a gateway (round robin), one database with
/// a unique constraint (the front of the system, where clocks decide nothing).
fn behind_gateway(name: &str, offsets_s: &[f64]) -> Config {
    let mut c = clocks(name, offsets_s);
    c.policy = Policy::Unique;
    c.gateway.enabled = true;
    c
}

/// An instance failure under load: server-3 becomes `becomes` at 10:00:10 and is
/// restarted at 10:01:40, behind a gateway with HAProxy's default active checks.
fn instance_fails(name: &str, becomes: Becomes) -> Config {
    let mut c = behind_gateway(name, EXACT5);
    c.gateway.active.enabled = true;
    let fault = |at_s, becomes| InstanceFault {
        server: 3,
        at_s,
        becomes,
        factor: 1,
    };
    c.instances.faults = vec![fault(36_010.0, becomes), fault(36_100.0, Becomes::Up)];
    c
}

fn instance_crash() -> Config {
    instance_fails("instance_crash", Becomes::Crashed)
}

fn instance_hang() -> Config {
    instance_fails("instance_hang", Becomes::Hung)
}

fn rate_limit() -> Config {
    let mut c = behind_gateway("rate_limit", EXACT5);
    c.gateway.rate_limit.enabled = true;
    c.crowd.bot.rate_per_s = 50.0;
    c
}

fn lb_weighted() -> Config {
    let mut c = behind_gateway("lb_weighted", EXACT);
    c.gateway.algorithm = Algorithm::Weighted;
    c.gateway.weights = vec![3, 1, 1];
    c
}

/// Instances with worker threads (2 each, a machine of 2 cores each, a queue of 64,
/// 10 ms of service on average) behind a gateway, a steady bot instead of the crowd.
fn threaded(name: &str, rate_per_s: f64) -> Config {
    let mut c = behind_gateway(name, EXACT5);
    c.policy = Policy::LocalTimestamp;
    c.crowd.customers = 0;
    c.crowd.bot.rate_per_s = rate_per_s;
    c.network.service_ms = 10.0;
    c.instances.workers.threads = 2;
    c
}

/// server-3 is 5 times slower from the start: 2 workers at 50 ms serve 40 a second,
/// and round robin sends it 60.
fn lb_slow_instance() -> Config {
    let mut c = threaded("lb_slow_instance", 300.0);
    c.instances.faults = vec![InstanceFault {
        server: 3,
        at_s: AT_START,
        becomes: Becomes::Slow,
        factor: 5,
    }];
    c
}

/// Every customer behind one address (a load generator), hashed by address.
fn lb_hash_one_client() -> Config {
    let mut c = behind_gateway("lb_hash_one_client", EXACT5);
    c.gateway.algorithm = Algorithm::HashClient;
    c.gateway.client_addresses = 1;
    c
}

/// `no-lock` on exact clocks, with a lock around check-then-insert.
fn locked(name: &str, lock: LockKind) -> Config {
    let mut c = clocks(name, EXACT);
    c.policy = Policy::NoLock;
    c.instances.lock = lock;
    // A hall as big as the crowd: most clicks find a free seat and insert.
    c.hall.rows = 40;
    c.hall.cols = 50;
    c
}

fn lock_per_instance() -> Config {
    locked("lock_per_instance", LockKind::Instance)
}

fn lock_global() -> Config {
    locked("lock_global", LockKind::Global)
}

/// A unique constraint on exact clocks, 5 % of answers lost, no idempotency key.
fn lost_reply_retry() -> Config {
    let mut c = clocks("lost_reply_retry", EXACT);
    c.policy = Policy::Unique;
    c.instances.reply_loss = 0.05;
    c
}

/// Seed 003's load test: closed-loop users (think 50 ms) for 60 s through a gateway
/// to single-threaded instances sharing one 4-core machine, a constant 10 ms of work.
fn load_test() -> Config {
    let mut c = behind_gateway("load_test", EXACT5);
    c.crowd.customers = 0;
    c.crowd.users.count = 50;
    c.network.service_ms = 10.0;
    let w = &mut c.instances.workers;
    w.threads = 1;
    w.machines = 1;
    w.cores = 4;
    w.service = crate::server::config::ServiceTime::Constant;
    c
}

/// Preset `name`: three exact servers under `unique` on the data path: a primary and
/// one replica, replication 100 ms behind (plus 20 ms on average).
fn data_path(name: &str) -> Config {
    let mut c = clocks(name, EXACT);
    c.policy = Policy::Unique;
    c.data.enabled = true;
    c
}

/// Preset `name`: [`data_path`] with the cache and its readers on.
fn cached(name: &str) -> Config {
    let mut c = data_path(name);
    c.cache.enabled = true;
    c
}

fn cache_stale_refill() -> Config {
    let mut c = cached("cache_stale_refill");
    c.data.reads = ReadFrom::Replica;
    c.data.lag_ms = 500.0;
    c.data.lag_jitter_ms = 0.0;
    c
}

fn cache_stampede() -> Config {
    let mut c = cached("cache_stampede");
    c.cache.readers = 1000;
    c.cache.hot_share = 1.0;
    c.cache.ramp_s = 0.1;
    c.cache.refresh_s = 5.0;
    c.cache.for_s = 90.0;
    c
}

fn cache_down() -> Config {
    let mut c = cached("cache_down");
    c.cache.readers = 1000;
    c.cache.hot_share = 0.0;
    c.cache.for_s = 180.0;
    c.cache.db_capacity_per_s = 300.0;
    c.cache.fault.down_from_s = Some(36_060.0);
    c.cache.fault.down_to_s = 36_120.0;
    c
}

fn replica_lag() -> Config {
    let mut c = data_path("replica_lag");
    c.data.maps_from_replica = true;
    c.data.lag_ms = 1000.0;
    c.data.lag_jitter_ms = 0.0;
    c
}

fn replica_check_then_insert() -> Config {
    let mut c = data_path("replica_check_then_insert");
    c.policy = Policy::NoLock;
    c.data.reads = ReadFrom::Replica;
    c.data.lag_ms = 1000.0;
    c.data.lag_jitter_ms = 0.0;
    c
}

/// The primary's crash at 10:00:30.
const CRASH_S: f64 = 36_030.0;

fn primary_down() -> Config {
    let mut c = data_path("primary_down");
    c.policy = Policy::NoLock;
    c.data.reads = ReadFrom::Replica;
    c.data.fault.crash_at_s = Some(CRASH_S);
    c
}

fn failover_manual() -> Config {
    let mut c = data_path("failover_manual");
    c.data.fault.crash_at_s = Some(CRASH_S);
    c.data.failover = Failover::Manual;
    c
}

fn failover_auto() -> Config {
    let mut c = data_path("failover_auto");
    c.data.fault.crash_at_s = Some(CRASH_S);
    c.data.failover = Failover::Auto;
    c
}

fn failover_async_loss() -> Config {
    let mut c = data_path("failover_async_loss");
    c.data.lag_ms = 200.0;
    c.data.lag_jitter_ms = 0.0;
    c.data.fault.crash_at_s = Some(36_002.0);
    c.data.failover = Failover::Auto;
    c
}

fn split_brain() -> Config {
    let mut c = data_path("split_brain");
    c.data.failover = Failover::Auto;
    c.data.fencing = false;
    c.data.fault.partition_from_s = Some(35_975.0);
    c.data.fault.partition_to_s = 36_065.0;
    c.data.fault.with_servers = vec![1];
    c
}

fn failover_clock_jump() -> Config {
    let mut c = data_path("failover_clock_jump");
    c.data.fault.crash_at_s = Some(CRASH_S);
    c.data.failover = Failover::Manual;
    c.data.operator_delay_s = 30.0;
    c.data.clocks = vec![
        ClockConfig::default(),
        ClockConfig {
            offset_ms: 120_000.0,
            ..Default::default()
        },
    ];
    c
}

/// The change feed on, under `unique` on the one database.
fn feed(name: &str) -> Config {
    let mut c = clocks(name, EXACT);
    c.policy = Policy::Unique;
    c.feed.enabled = true;
    c
}

fn feed_sse_vs_polling() -> Config {
    feed("feed_sse_vs_polling")
}

fn feed_listener_down() -> Config {
    let mut c = feed("feed_listener_down");
    c.feed.capture = crate::feed::config::Capture::Notify;
    c.feed.outage.from_s = Some(36_005.0);
    c.feed.outage.to_s = 36_035.0;
    c
}

fn feed_lag_clock_skew() -> Config {
    let mut c = feed("feed_lag_clock_skew");
    c.feed.clock.offset_ms = -2000.0;
    c
}

/// A whole day with every layer on and a steady trickle of customers: the long run
/// whose memory must stay bounded (docs/MEMORY.md). The demo's four clocks, NTP on; a
/// gateway with active health checks; the data path (a primary and a replica), the
/// cache with 20 readers paging every 30 s all day, the change feed; 4 000 customers
/// arriving uniformly from 00:00 to 24:00 (no flash crowd) for a 40 × 50 hall.
fn long_day() -> Config {
    let mut c = with_ntp("long_day", DEMO);
    c.policy = Policy::Unique;
    c.gateway.enabled = true;
    c.gateway.active.enabled = true;
    c.data.enabled = true;
    c.cache.enabled = true;
    c.cache.readers = 20;
    c.cache.refresh_s = 30.0;
    c.cache.from_s = 0.0;
    c.cache.ramp_s = 30.0;
    c.cache.for_s = 86_400.0;
    c.feed.enabled = true;
    c.sale.start_s = 0.0;
    c.sale.opening_s = 0.0;
    c.sale.duration_s = 86_400.0;
    c.crowd.customers = 4000;
    c.crowd.flash_fraction = 0.0;
    c.hall.rows = 40;
    c.hall.cols = 50;
    c
}

fn synced() -> Config {
    with_ntp("synced", EXTREME)
}

/// Time server `source` (an index in `ntp.servers`) lying by `lie_ms` from the start.
fn liar(source: usize, lie_ms: f64) -> Fault {
    Fault::Falseticker {
        source,
        lie_ms,
        at_s: AT_START,
    }
}

/// `ntp-b` lies by +10 s from the start; `ntp-a` and `ntp-c` outvote it.
fn ntp_falseticker() -> Config {
    let mut c = with_ntp("ntp_falseticker", EXTREME);
    c.ntp.faults.push(liar(NTP_B, 10_000.0));
    c
}

/// `ntp-b` is only 0.8 s off from the start: within the first, wide intervals of the
/// iburst, found out as they shrink.
fn ntp_subtle_falseticker() -> Config {
    let mut c = with_ntp("ntp_subtle_falseticker", EXTREME);
    c.ntp.faults.push(liar(NTP_B, 800.0));
    c
}

/// Every reservation server's route to its time servers: 20 ms out, 0 ms back.
fn ntp_asymmetric() -> Config {
    let mut c = with_ntp("ntp_asymmetric", EXTREME);
    for server in 1..=c.servers.len() as u32 {
        c.ntp.faults.push(Fault::Asymmetry {
            server,
            out_ms: 20.0,
            back_ms: 0.0,
            at_s: AT_START,
        });
    }
    c
}

/// `ntp-a` is down all day; the clients fall back on the others.
fn ntp_unreachable() -> Config {
    let mut c = with_ntp("ntp_unreachable", EXTREME);
    c.ntp.faults.push(Fault::SourceDown {
        source: NTP_A,
        from_s: AT_START,
        to_s: 86_400.0,
    });
    c
}

/// The paths to the three stratum-2 servers: their usual jitter, plus a 50 ms spike
/// for one packet in ten, either way.
fn ntp_popcorn() -> Config {
    let mut c = with_ntp("ntp_popcorn", EXTREME);
    for s in [NTP_A, NTP_B, NTP_B + 1] {
        c.ntp.servers[s].link.jitter = Jitter::Spikes {
            mean_ms: 0.05,
            probability: 0.1,
            spike_ms: 50.0,
        };
    }
    c
}

/// `synced`, failing closed, with server-2's NTP switched off from 10:02:00 to
/// 10:04:00 (its clock keeps its last correction; what stops is synchronisation).
fn ntp_fail_closed() -> Config {
    let mut c = with_ntp("ntp_fail_closed", EXTREME);
    c.ntp.fail_closed = true;
    let at = |m: f64| 36_000.0 + 60.0 * m;
    c.ntp.faults.push(Fault::Switch {
        server: 2,
        on: false,
        at_s: at(2.0),
    });
    c.ntp.faults.push(Fault::Switch {
        server: 2,
        on: true,
        at_s: at(4.0),
    });
    c
}

/// `ntp-a` has lost its reference all day: it answers, as unsynchronised.
fn ntp_unsynced_primary() -> Config {
    let mut c = with_ntp("ntp_unsynced_primary", EXTREME);
    c.ntp.servers[NTP_A].unsynchronized = vec![[AT_START, 86_400.0]];
    c
}

/// One reservation server, 15 s ahead and 50 ppm fast, no drift file, synchronising to
/// one stratum-1 server over a LAN (0.5 ms + exponential 0.1 ms each way), iburst,
/// polls 64–1024 s, for two hours of sale, with the discipline `kind`.
fn lan_one_source(name: &str, kind: DisciplineKind) -> Config {
    let mut c = with_ntp(name, ONE_AHEAD);
    c.servers[0].clock.skew_ppm = 50.0;
    c.sale.duration_s = 7200.0;
    c.ntp.servers = vec![TimeServerConfig {
        name: "gps".into(),
        link: LinkConfig {
            base_ms: 0.5,
            return_base_ms: None,
            jitter: Jitter::Exponential { mean_ms: 0.1 },
            loss: 0.0,
        },
        ..Default::default()
    }];
    c.ntp.client = ClientConfig {
        sources: vec![0],
        discipline: kind,
        ..Default::default()
    };
    c
}

/// ntpd's first start: one reservation server 15 s ahead and 50 ppm fast, no drift
/// file, on the run's usual hierarchy (three time servers), for an hour of sale.
fn ntp_cold_start() -> Config {
    let mut c = with_ntp("ntp_cold_start", ONE_AHEAD);
    c.servers[0].clock.skew_ppm = 50.0;
    c.sale.duration_s = 3600.0;
    c.ntp.client.drift_ppm = None;
    c
}

/// The report's first-answer client while `ntp-a`, its first source, lies by +10 s.
fn ntp_first_answer_liar() -> Config {
    let mut c = with_ntp("ntp_first_answer_liar", EXTREME);
    c.ntp.client.mode = ClientMode::FirstAnswer;
    c.ntp.faults.push(liar(NTP_A, 10_000.0));
    c
}

/// Exact clocks, each server asking `ntp-a` (want 1) with `ntp-b` and `ntp-c` as
/// fallbacks; every time server trusts key 1 of the run's keys file, the clients do
/// not use it; an attacker on `ntp-a`'s path adds 20 s to its replies from the start.
fn ntp_spoofed() -> Config {
    let mut c = with_ntp("ntp_spoofed", EXACT);
    c.ntp.keys = vec![Key {
        id: 1,
        secret: "driftlab-shared-secret".into(),
    }];
    for s in &mut c.ntp.servers {
        s.trusted_keys = vec![1];
    }
    c.ntp.client.sources = vec![NTP_A];
    c.ntp.client.fallbacks = vec![NTP_B, NTP_B + 1];
    c.ntp.faults.push(Fault::Spoofed {
        source: NTP_A,
        offset_ms: 20_000.0,
        at_s: AT_START,
    });
    c
}

fn ntp_lan_one_source() -> Config {
    lan_one_source("ntp_lan_one_source", DisciplineKind::Chrony)
}

fn ntp_lan_one_source_ntpd() -> Config {
    lan_one_source("ntp_lan_one_source_ntpd", DisciplineKind::Ntpd)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timesync::NtpConfig;
    use std::collections::BTreeSet;

    #[test]
    fn every_entry_builds_a_valid_config_named_after_it() {
        for p in PRESETS {
            let c = (p.build)();
            c.validate().unwrap_or_else(|e| panic!("{}: {e}", p.name));
            assert_eq!(c.preset, p.name, "the builder of {} names another", p.name);
            let offsets: Vec<f64> = c.servers.iter().map(|s| s.clock.offset_ms).collect();
            let shown: Vec<f64> = p.offsets_s.iter().map(|s| s * 1000.0).collect();
            assert_eq!(offsets, shown, "{}: the menu's offsets", p.name);
            assert_eq!(preset(p.name).unwrap(), c);
        }
        assert!(preset("reset")
            .unwrap()
            .servers
            .iter()
            .all(|s| s.clock == ClockConfig::default()));
    }

    #[test]
    fn names_are_unique_and_texts_present() {
        let names: BTreeSet<&str> = PRESETS.iter().map(|p| p.name).collect();
        assert_eq!(names.len(), PRESETS.len(), "duplicate preset names");
        for p in PRESETS {
            for lang in [Lang::En, Lang::Fr] {
                assert!(!p.summary(lang).is_empty() && !p.label(lang).is_empty());
            }
            assert_ne!(p.summary_en, p.summary_fr, "{}: untranslated", p.name);
        }
    }

    #[test]
    fn groups_follow_ntp_and_menu_order() {
        for p in PRESETS {
            // A preset with every layer on (`long_day`, in the last group) runs NTP too.
            let c = p.config();
            let every_layer =
                c.gateway.enabled && c.data.enabled && c.cache.enabled && c.feed.enabled;
            assert_eq!(
                c.ntp.enabled,
                p.group == Group::Ntp || every_layer,
                "{}: NTP presets and only they (and those with every layer on) run NTP",
                p.name
            );
        }
        // The table lists the groups one after the other, in `Group::ALL` order.
        let ranks: Vec<usize> = PRESETS
            .iter()
            .map(|p| Group::ALL.iter().position(|&g| g == p.group).unwrap())
            .collect();
        assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
        let names: BTreeSet<&str> = Group::ALL.iter().map(|g| g.name()).collect();
        assert_eq!(names.len(), Group::ALL.len());
    }

    #[test]
    fn faults_are_each_presets_own() {
        let faults = |name: &str| preset(name).unwrap().ntp.faults;
        assert!(matches!(
            faults("ntp_falseticker")[..],
            [Fault::Falseticker { source: NTP_B, lie_ms, .. }] if lie_ms == 10_000.0
        ));
        assert_eq!(faults("ntp_asymmetric").len(), EXTREME.len());
        assert!(matches!(
            faults("ntp_unreachable")[..],
            [Fault::SourceDown { source: NTP_A, .. }]
        ));
        assert!(faults("synced").is_empty() && faults("extreme_drift").is_empty());
        let names = NtpConfig::default().servers;
        assert_eq!(
            (&*names[NTP_A].name, &*names[NTP_B].name),
            ("ntp-a", "ntp-b")
        );
    }

    #[test]
    fn languages_by_code() {
        assert_eq!(Lang::from_code("FR"), Some(Lang::Fr));
        assert_eq!(Lang::from_code("en"), Some(Lang::En));
        assert_eq!(Lang::from_code("de"), None);
    }
}
