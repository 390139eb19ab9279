//! The translation table: one line per text, English then French.

macro_rules! table {
    ($($key:ident => $en:literal, $fr:literal;)*) => {
        /// A visible text; [`super::Lang::t`] gives it in a language.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Txt { $(#[doc = $en] $key,)* }
        impl Txt {
            /// Every text (for the completeness test).
            pub const ALL: &'static [Txt] = &[$(Txt::$key,)*];
            /// The text in English and in French.
            pub fn texts(self) -> [&'static str; 2] {
                match self { $(Txt::$key => [$en, $fr],)* }
            }
        }
    };
}

table! {
    Tagline => "clocks that disagree, seats that go to the wrong people", "des horloges en désaccord, des places aux mauvaises personnes";
    Language => "Language", "Langue";
    Help => "Help and shortcuts (?)", "Aide et raccourcis (?)";
    Close => "Close", "Fermer";

    // Gateway panel
    Gateway => "Gateway", "Passerelle";
    GwNone => "No gateway in this scenario: customers' browsers go round robin straight to the servers. Choose a “Load balancing” preset to put one in front of them.", "Pas de passerelle dans ce scénario : les navigateurs des clients vont à tour de rôle directement aux serveurs. Choisissez un préréglage « Répartition de charge » pour en placer une devant eux.";
    GwAlgorithm => "Balancing", "Répartition";
    GwAlgorithmTip => "How the gateway picks the instance that gets each request.", "Comment la passerelle choisit l'instance qui reçoit chaque requête.";
    GwRoundRobin => "round robin", "tourniquet (round robin)";
    GwRoundRobinTip => "Round robin: the instances in turn, whatever their load.", "Tourniquet : les instances à tour de rôle, quelle que soit leur charge.";
    GwLeastConn => "least connections", "moins de connexions";
    GwLeastConnTip => "Least connections: the instance with the fewest requests in progress (the first one on a tie), as HAProxy's leastconn.", "Moins de connexions : l'instance qui a le moins de requêtes en cours (la première en cas d'égalité), comme leastconn de HAProxy.";
    GwWeighted => "weighted", "pondéré";
    GwWeightedTip => "Weighted: nginx's smooth weighted round robin, each instance gets its weight's share, interleaved (weights 5, 1, 1 give a a b a c a a).", "Pondéré : le tourniquet pondéré lissé de nginx, chaque instance reçoit la part de son poids, entrelacée (poids 5, 1, 1 : a a b a c a a).";
    GwHash => "hash by customer", "hachage par client";
    GwHashTip => "Hash by customer: a customer always reaches the same instance (sticky sessions); adding an instance moves most customers.", "Hachage par client : un client arrive toujours sur la même instance (sessions collantes) ; ajouter une instance déplace la plupart des clients.";
    GwTwoChoices => "two random choices", "deux choix au hasard";
    GwTwoChoicesTip => "Two random choices: two instances drawn at random, the less busy one gets the request (the power of two choices).", "Deux choix au hasard : deux instances tirées au sort, la moins occupée reçoit la requête (le pouvoir de deux choix).";
    GwActive => "active checks", "contrôles actifs";
    GwActiveTip => "Active health checks: every 2 s the gateway probes each instance; 3 failed probes in a row (no answer within 1 s, or refused) mark it down, 2 good ones up again (HAProxy's inter, fall, rise). By the gateway's own clock.", "Contrôles de santé actifs : toutes les 2 s la passerelle sonde chaque instance ; 3 sondes ratées de suite (pas de réponse en 1 s, ou refus) la marquent hors service, 2 réussies la remettent (inter, fall, rise de HAProxy). Selon l'horloge de la passerelle.";
    GwPassive => "passive checks", "contrôles passifs";
    GwPassiveTip => "Passive health checks: 3 failed requests within 10 s mark an instance down for 10 s, then it is tried again (nginx's max_fails and fail_timeout).", "Contrôles de santé passifs : 3 requêtes en échec en 10 s marquent une instance hors service pour 10 s, puis elle est réessayée (max_fails et fail_timeout de nginx).";
    GwUp => "up", "en service";
    GwCrashed => "crashed", "plantée";
    GwHung => "hung", "bloquée";
    GwSlow => "slow", "lente";
    GwMarkedDown => "marked down", "écartée";
    GwMarkedUp => "in rotation", "en rotation";
    GwSeenTip => "What the gateway believes, from its health checks: it may be wrong for a while.", "Ce que croit la passerelle, d'après ses contrôles de santé : elle peut se tromper un moment.";
    GwShare => "share", "part";
    GwShareTip => "Share of the requests the gateway forwarded to this instance.", "Part des requêtes que la passerelle a transmises à cette instance.";
    GwInProgress => "in progress", "en cours";
    GwInProgressTip => "Requests forwarded to this instance and not answered yet: what least connections compares.", "Requêtes transmises à cette instance et pas encore répondues : ce que compare « moins de connexions ».";
    GwErrors => "errors", "erreurs";
    GwErrorsTip => "Requests that failed on this instance: connection refused (crashed) or no answer before the gateway's 3 s timeout (hung). A refused connection is retried on another instance; a request already sent is not.", "Requêtes en échec sur cette instance : connexion refusée (plantée) ou pas de réponse avant le délai de 3 s de la passerelle (bloquée). Une connexion refusée est retentée sur une autre instance ; une requête déjà envoyée, non.";
    GwDown => "time out", "écartée";
    GwDownTip => "How long the gateway has had this instance out of rotation, by its own clock.", "Depuis combien de temps la passerelle tient cette instance hors rotation, selon son horloge.";
    GwCrash => "crash", "planter";
    GwCrashTip => "The process dies: connections are refused at once.", "Le processus meurt : les connexions sont refusées aussitôt.";
    GwHang => "hang", "bloquer";
    GwHangTip => "The process accepts connections and never answers (a deadlock).", "Le processus accepte les connexions et ne répond jamais (un interblocage).";
    GwSlowDown => "slow ×5", "ralentir ×5";
    GwSlowDownTip => "Every service time multiplied by 5: still answers its health checks.", "Chaque temps de service multiplié par 5 : répond toujours à ses contrôles de santé.";
    GwRestart => "restart", "redémarrer";
    GwRestartTip => "Back in service.", "De retour en service.";
    GwRateLimit => "rate limit", "limite de débit";
    GwRateLimitTip => "Each customer has a token bucket (5 a second, bursts of 10, by the gateway's clock): a request takes a token; with none left the gateway answers 429 Too Many Requests.", "Chaque client a un seau à jetons (5 par seconde, rafales de 10, selon l'horloge de la passerelle) : une requête prend un jeton ; s'il n'en reste plus, la passerelle répond 429 Too Many Requests.";

    // Scenario bar (the presets' labels and summaries are in driftlab_sim::presets::PRESETS)
    Scenario => "Scenario", "Scénario";
    PresetsNtp => "NTP", "NTP";
    PresetsDrift => "Drift", "Dérive";
    PresetsGateway => "Load balancing", "Répartition de charge";
    Policy => "Policy", "Politique";
    PolicyTip => "How a seat that two customers want at once is settled.", "Comment se règle une place que deux clients veulent en même temps.";
    PolLocal => "local timestamp (multi-leader)", "horodatage local (multi-leader)";
    PolNoLock => "check then insert, no lock", "vérifier puis insérer, sans verrou";
    PolUnique => "unique constraint, one database", "contrainte d'unicité, une seule base";
    PolLamport => "Lamport clocks", "horloges de Lamport";
    PolHlc => "hybrid logical clocks (HLC)", "horloges logiques hybrides (HLC)";
    PolCommitWait => "commit-wait (TrueTime-like)", "commit-wait (à la TrueTime)";
    PolTso => "timestamp oracle (TSO)", "oracle d'horodatage (TSO)";
    Guarantees => "Guarantees", "Garantit";
    NotGuaranteed => "Does not", "Ne garantit pas";
    GuarLocal => "Nothing about order: each server trusts its own clock; replicas agree in the end.", "Rien sur l'ordre : chaque serveur croit sa propre horloge ; les répliques finissent par s'accorder.";
    NotLocal => "A slow clock steals seats from earlier customers; a seat can be confirmed to two people until the replicas merge.", "Une horloge en retard vole des places à des clients arrivés avant ; une place peut être confirmée à deux personnes jusqu'à la fusion des répliques.";
    GuarNoLock => "Nothing: it is the bug of a server without a lock.", "Rien : c'est le bogue d'un serveur sans verrou.";
    NotNoLock => "Two servers can both insert the same seat; only the next audit finds the duplicate.", "Deux serveurs peuvent insérer la même place ; seul l'audit suivant trouve le doublon.";
    GuarUnique => "One holder per seat: no double booking.", "Un seul détenteur par place : aucune double réservation.";
    NotUnique => "Fairness: whoever reaches the database first wins; the opening, tokens and expiries still read the servers' clocks.", "L'équité : le premier arrivé à la base gagne ; l'ouverture, les jetons et les expirations lisent toujours les horloges des serveurs.";
    GuarLamport => "Causal order: a payment made after its hold reached the server is stamped after it, whatever the clocks.", "L'ordre causal : un paiement fait après que sa réservation a atteint le serveur est horodaté après elle, quelles que soient les horloges.";
    NotLamport => "Which of two independent clicks came first: the counters decide, so a later click can win.", "Lequel de deux clics indépendants est venu en premier : les compteurs décident, un clic plus tardif peut gagner.";
    GuarHlc => "Causal order as Lamport, with stamps that stay within the clocks' largest offset of true time.", "L'ordre causal comme Lamport, avec des horodatages qui restent à moins du plus grand décalage des horloges du temps vrai.";
    NotHlc => "Independent clicks are ordered by the clocks, as wrong as they are; it does not fix the opening or expiries.", "Les clics indépendants sont ordonnés par les horloges, aussi fausses soient-elles ; l'ouverture et les expirations ne sont pas réparées.";
    GuarCommitWait => "If ε bounds the clock error: no confirmation is ever taken back, and of two clicks more than 2ε apart the first wins.", "Si ε borne l'erreur d'horloge : aucune confirmation n'est reprise, et de deux clics écartés de plus de 2ε le premier gagne.";
    NotCommitWait => "Clicks closer than 2ε go either way; an ε below the true error loses the guarantee; each confirmation waits about 2ε.", "Des clics à moins de 2ε l'un de l'autre vont dans un sens ou l'autre ; un ε sous l'erreur réelle perd la garantie ; chaque confirmation attend environ 2ε.";
    GuarTso => "Claims are ordered as they reached the oracle, whatever the servers' clocks.", "Les demandes sont ordonnées comme elles ont atteint l'oracle, quelles que soient les horloges des serveurs.";
    NotTso => "It costs a round trip per claim and is a single point of failure: while it is cut off, no claim can be stamped (refused, \"no timestamp\").", "Elle coûte un aller-retour par demande et c'est un point de défaillance unique : coupé, plus aucune demande n'est horodatée (refusée, « pas d'horodatage »).";
    Seed => "Seed", "Graine";
    SeedTip => "The random draw: the same seed replays exactly the same sale.", "Le tirage au sort : la même graine rejoue exactement la même vente.";
    Opening => "Sale opens", "Ouverture";
    OpeningTip => "The official opening time of the sale, in true time (HH:MM:SS); customers start arriving a minute before.", "L'heure officielle d'ouverture de la vente, en temps vrai (HH:MM:SS) ; les clients arrivent dès une minute avant.";
    Customers => "Customers", "Clients";
    CustomersTip => "How many people try to buy a seat; most arrive in a rush at the opening.", "Le nombre de personnes qui veulent une place ; la plupart arrivent en masse à l'ouverture.";
    Rows => "Rows", "Rangs";
    Cols => "Seats per row", "Places par rang";
    HallTip => "The size of the hall: rows × seats per row.", "La taille de la salle : rangs × places par rang.";
    ErrSeed => "Enter a whole number, 0 or more (e.g. 42).", "Entrez un nombre entier, 0 ou plus (par ex. 42).";
    ErrOpening => "Enter a time as HH:MM or HH:MM:SS, between 00:01 and 23:00 (e.g. 10:00:00).", "Entrez une heure HH:MM ou HH:MM:SS, entre 00:01 et 23:00 (par ex. 10:00:00).";
    ErrCustomers => "Enter a whole number from 1 to 50,000.", "Entrez un nombre entier de 1 à 50 000.";
    ErrRows => "Enter a whole number from 1 to 40.", "Entrez un nombre entier de 1 à 40.";
    ErrCols => "Enter a whole number from 1 to 50.", "Entrez un nombre entier de 1 à 50.";
    ErrOffset => "Enter seconds from −60 to +60 (e.g. −30 or 1.5).", "Entrez des secondes de −60 à +60 (par ex. −30 ou 1,5).";
    ErrSkew => "Enter ppm from −1000 to +1000 (e.g. 50).", "Entrez des ppm de −1000 à +1000 (par ex. 50).";
    ErrKept => "Nothing was changed.", "Rien n'a été modifié.";

    // Playback
    Play => "Play", "Lecture";
    Pause => "Pause", "Pause";
    Step => "Step", "Pas";
    StepTip => "Process one event (→)", "Traiter un seul événement (→)";
    Restart => "Restart", "Recommencer";
    RestartTip => "Start again with the same seed (R)", "Recommencer avec la même graine (R)";
    PlayTip => "Play or pause (Space)", "Lecture ou pause (Espace)";
    Speed => "Speed", "Vitesse";
    SpeedTip => "×1 runs the sale in real time; ×1000 runs ten minutes in under a second.", "×1 : la vente en temps réel ; ×1000 : dix minutes en moins d'une seconde.";
    TrueTime => "true time", "temps vrai";
    TrueTimeTip => "The time it really is. Only the simulator knows it: no server can read it.", "L'heure qu'il est vraiment. Seul le simulateur la connaît : aucun serveur ne peut la lire.";
    Events => "events", "événements";
    StatusReady => "Ready: press ▶ Play (Space).", "Prêt : appuyez sur ▶ Lecture (Espace).";
    StatusPaused => "Paused", "En pause";
    StatusRunning => "Running", "En cours";
    StatusDone => "Sale over: every customer is done.", "Vente terminée : tous les clients ont fini.";

    // Views, the architecture's map and the timeline (issue 9)
    Views => "Views", "Vues";
    ViewMap => "Map", "Carte";
    ViewClocks => "Clocks", "Horloges";
    ViewGateway => "Gateway", "Passerelle";
    ViewNtp => "NTP", "NTP";
    ViewHall => "Hall", "Salle";
    ViewMeasures => "Measures", "Mesures";
    MapTitle => "The architecture, live", "L'architecture, en direct";
    MapHint => "The whole system, live: each box is a part of it with its state now. Click a box to open its view.", "Tout le système, en direct : chaque boîte en est une partie, avec son état. Cliquez une boîte pour ouvrir sa vue.";
    MapUnused => "not used in this scenario", "pas utilisé dans ce scénario";
    MapBack => "seat map back to the customers", "plan des places renvoyé aux clients";
    MapBeside => "beside: keeping the clocks", "à côté : garder l'heure";
    MapOpen => "open", "ouvrir";
    LayerCrowd => "Customers", "Clients";
    LayerServers => "Reservation servers", "Serveurs de réservation";
    LayerDatabase => "Database", "Base de données";
    LayerTimeServers => "Time servers", "Serveurs de temps";
    LayerNtpClients => "NTP clients", "Clients NTP";
    FigArrived => "arrived", "arrivés";
    FigWaiting => "waiting", "en attente";
    FigGone => "gone", "partis";
    FigHeld => "held", "réservées";
    FigSold => "sold", "vendues";
    FigStratum => "stratum", "strate";
    FigLie => "lie, ms", "mensonge, ms";
    FigOn => "NTP on", "NTP actif";
    ClockError => "clock error", "erreur d'horloge";
    AnomaliesHere => "anomalies found at this node", "anomalies trouvées sur ce nœud";
    Timeline => "Timeline", "Chronologie";
    TimelineTip => "The whole run in true time. Click or drag to see any instant; ← → one event; Shift+← → the previous or next mark.", "Toute la simulation en temps vrai. Cliquez ou glissez pour voir n'importe quel instant ; ← → un événement ; Maj+← → la marque précédente ou suivante.";
    StepBack => "Back", "Retour";
    StepBackTip => "Go back one event (←)", "Revenir d'un événement (←)";
    PrevMark => "Previous mark (Shift+←)", "Marque précédente (Maj+←)";
    NextMark => "Next mark (Shift+→)", "Marque suivante (Maj+→)";
    TlOpening => "sale opens", "ouverture de la vente";
    TlEdit => "clock edit or NTP switch", "horloge réglée ou NTP basculé";
    TlFault => "fault", "panne";
    TlStep => "NTP stepped a clock", "NTP a fait sauter une horloge";
    TlAnomaly => "other anomaly", "autre anomalie";
    LinkUnknown => "The link's parameter “{key}” is unknown: it was ignored.", "Le paramètre « {key} » du lien est inconnu : il a été ignoré.";
    LinkRefused => "The link's “{key}={value}” was refused ({why}); {used} is used instead.", "« {key}={value} » dans le lien a été refusé ({why}) ; {used} est utilisé à la place.";
    LinkWhyPreset => "no such preset", "préréglage inconnu";
    LinkWhyPolicy => "no such policy", "politique inconnue";
    LinkWhySpeed => "speeds are 1, 2, 5, 10, 20, 50, 100, 200, 500 or 1000", "les vitesses sont 1, 2, 5, 10, 20, 50, 100, 200, 500 ou 1000";
    LinkWhyView => "views are map, clocks, ntp, hall, measures", "les vues sont map, clocks, ntp, hall, measures";
    LinkWhyTime => "a true time HH:MM:SS within the run", "un temps vrai HH:MM:SS dans la simulation";
    LinkNotice => "About this link", "À propos de ce lien";
    LinkRunStart => "the run's start", "le début de la simulation";

    // Servers
    Servers => "Servers", "Serveurs";
    ServersHint => "Each server's clock beside true time; move a slider to shift it, even mid-sale.", "L'horloge de chaque serveur face au temps vrai ; un curseur la décale, même en pleine vente.";
    LocalClock => "local clock", "horloge locale";
    LocalClockTip => "What this server believes the time is; it stamps every request with it.", "L'heure que ce serveur croit juste ; il horodate chaque requête avec.";
    Offset => "offset", "décalage";
    OffsetTip => "How far the server's clock is from true time: + ahead, − behind.", "L'écart entre l'horloge du serveur et le temps vrai : + en avance, − en retard.";
    Skew => "skew", "dérive";
    SkewTip => "How fast the clock gains or loses time, in millionths (ppm): 1 ppm is about 86 ms a day.", "La vitesse à laquelle l'horloge avance ou retarde, en millionièmes (ppm) : 1 ppm fait environ 86 ms par jour.";
    Served => "requests", "requêtes";
    ServedTip => "Requests that reached this server, and what it answered.", "Les requêtes arrivées à ce serveur, et ce qu'il a répondu.";
    ConfirmedShort => "confirmed", "confirmées";
    RefusedShort => "refused", "refusées";

    // Hall
    HallTitle => "Hall", "Salle";
    HallHint => "Border: the server that sold the seat. Hover or focus a seat (arrow keys) for its story.", "Bordure : le serveur qui a vendu la place. Survolez une place (ou flèches) pour son histoire.";
    HallEmpty => "All seats are free. Press ▶ Play: seats fill as customers buy them.", "Toutes les places sont libres. Appuyez sur ▶ Lecture : elles se remplissent au fil des achats.";
    SeatGrid => "Seats of the hall", "Places de la salle";
    StFree => "free", "libre";
    StHeld => "held, unpaid", "réservée, non payée";
    StSold => "sold", "vendue";
    StDouble => "double-booked", "vendue deux fois";
    StWrong => "wrong winner", "mauvais gagnant";
    StFreeTip => "Nobody holds this seat.", "Personne ne détient cette place.";
    StHeldTip => "Held for a customer who has not paid yet; the hold expires after 5 minutes.", "Réservée pour un client qui n'a pas encore payé ; la réservation expire après 5 minutes.";
    StSoldTip => "Paid for: the seat is sold.", "Payée : la place est vendue.";
    StDoubleTip => "Confirmed to two customers at once: nothing serialized the writes.", "Confirmée à deux clients à la fois : rien n'a sérialisé les écritures.";
    StWrongTip => "Went to a customer who was not the first to ask, in true time.", "Attribuée à un client qui n'était pas le premier à la demander, en temps vrai.";
    SoldBy => "by", "par";
    Stage => "stage", "scène";

    // Seat story
    Story => "Seat story", "Histoire de la place";
    StoryEmpty => "Hover or focus a seat to see who asked for it, through which server, at what true time and with what timestamp, and who won.", "Survolez une place pour voir qui l'a demandée, par quel serveur, à quel temps vrai et avec quel horodatage, et qui l'a eue.";
    StoryNobody => "Nobody has asked for this seat yet.", "Personne n'a encore demandé cette place.";
    Customer => "customer", "client";
    Payment => "payment", "paiement";
    OutHeld => "held", "réservée";
    OutPaid => "paid", "payée";
    OutSuperseded => "taken back", "reprise";
    OutExpired => "hold expired", "réservation expirée";
    OutConfirmed => "confirmed", "confirmée";
    OutRefused => "refused", "refusée";
    OutPending => "in progress", "en cours";
    OutLost => "lost in the network", "perdue dans le réseau";
    FirstAsked => "First to ask, in true time", "Premier à demander, en temps vrai";
    HoldsNow => "Holds it now", "La détient maintenant";
    Nobody => "nobody", "personne";
    VerdictRight => "✓ Right: the first to ask got the seat.", "✓ Juste : le premier à demander a eu la place.";
    VerdictWrong => "! Wrong winner: the seat went to someone who asked later.", "! Mauvais gagnant : la place est allée à quelqu'un qui a demandé plus tard.";
    VerdictDouble => "✖ Double-booked: two customers hold it at once.", "✖ Vendue deux fois : deux clients la détiennent en même temps.";
    MoreRequests => "other requests, refused or unanswered", "autres requêtes, refusées ou sans réponse";

    // Refusals
    RNotOpen => "not open yet by its clock", "pas encore ouverte selon son horloge";
    RTokenNbf => "token not yet valid by its clock", "jeton pas encore valide selon son horloge";
    RTokenExp => "token expired by its clock", "jeton expiré selon son horloge";
    RTaken => "seat taken", "place prise";
    RHoldExpired => "hold expired by its clock", "réservation expirée selon son horloge";
    RHoldLost => "hold given to someone else", "réservation donnée à un autre";
    RNoTimestamp => "no timestamp (oracle unreachable)", "pas d'horodatage (oracle injoignable)";
    RUnavailable => "no instance could take it (502/503)", "aucune instance disponible (502/503)";
    RGatewayTimeout => "the instance never answered (504)", "l'instance n'a jamais répondu (504)";
    RRateLimited => "too many requests (429)", "trop de requêtes (429)";

    // Charts
    ChartOffsets => "Clock offsets over true time", "Décalage des horloges au fil du temps vrai";
    ChartAnomalies => "Anomalies, cumulative", "Anomalies, cumulées";
    ChartResponse => "Response time per server", "Temps de réponse par serveur";
    AxisTrueTime => "true time (h:min:s)", "temps vrai (h:min:s)";
    AxisOffset => "offset (s)", "décalage (s)";
    AxisAnomalies => "! and ✖ (count)", "! et ✖ (nombre)";
    InversionsRight => "order inversions (right axis)", "inversions d'ordre (axe de droite)";
    AxisMs => "mean response (ms)", "réponse moyenne (ms)";
    ChartOffsetsEmpty => "Press ▶ Play: one line per server will show how far its clock is from true time.", "Appuyez sur ▶ Lecture : une ligne par serveur montrera l'écart de son horloge avec le temps vrai.";
    ChartAnomaliesEmpty => "Press ▶ Play: wrong winners, double bookings and order inversions will be counted here as they happen.", "Appuyez sur ▶ Lecture : mauvais gagnants, doubles ventes et inversions d'ordre seront comptés ici au fil de l'eau.";
    ChartResponseEmpty => "Press ▶ Play: each server's mean response time, second by second, will be drawn here.", "Appuyez sur ▶ Lecture : le temps de réponse moyen de chaque serveur, seconde par seconde, sera tracé ici.";
    ChartLabel => "Chart", "Graphique";

    // Metrics
    Metrics => "Measures", "Mesures";
    MetricsHint => "Counted since the sale started. Hover or focus a term for its meaning.", "Comptés depuis le début de la vente. Survolez un terme pour sa définition.";
    MetricsEmpty => "All zero for now: press ▶ Play and the figures will count up.", "Tout est à zéro : appuyez sur ▶ Lecture et les chiffres vont monter.";
    GroupTraffic => "Traffic", "Trafic";
    GroupClock => "Caused by wrong clocks", "Causé par des horloges fausses";
    GroupSerial => "Caused by missing serialization", "Causé par l'absence de sérialisation";
    GroupRefusals => "Refusals by reason", "Refus par motif";
    GroupServers => "Response time and clock spread", "Temps de réponse et écart des horloges";
    GroupCheck => "Consistency check", "Contrôle de cohérence";
    MRequests => "requests", "requêtes";
    MRequestsTip => "Messages sent by customers: seat requests and payments.", "Messages envoyés par les clients : demandes de place et paiements.";
    MConfirmed => "confirmed", "confirmées";
    MConfirmedTip => "Seat requests granted: the seat is held for the customer.", "Demandes acceptées : la place est réservée pour le client.";
    MRefused => "refused", "refusées";
    MRefusedTip => "Requests a server said no to, for any reason.", "Requêtes auxquelles un serveur a dit non, pour n'importe quel motif.";
    MTimedOut => "lost", "perdues";
    MTimedOutTip => "Requests lost in the network: the customer gave up waiting.", "Requêtes perdues dans le réseau : le client a cessé d'attendre.";
    MPaid => "paid", "payées";
    MPaidTip => "Payments accepted: seats sold.", "Paiements acceptés : places vendues.";
    MWrongWinners => "wrong winners", "mauvais gagnants";
    MWrongWinnersTip => "Seats that went to a customer who was not the first, in true time, to ask.", "Places attribuées à un client qui n'était pas le premier, en temps vrai, à les demander.";
    MInversions => "order inversions", "inversions d'ordre";
    MInversionsTip => "Log lines stamped earlier than a line written before them: sorted by timestamp, the log tells the story in the wrong order.", "Lignes du journal horodatées avant une ligne écrite plus tôt : triées par horodatage, elles racontent l'histoire dans le désordre.";
    MEarlySales => "early sales", "ventes anticipées";
    MEarlySalesTip => "Seats confirmed before the official opening, because a clock ran ahead.", "Places confirmées avant l'ouverture officielle, parce qu'une horloge avançait.";
    MWronglyRefused => "wrongly refused", "refus à tort";
    MWronglyRefusedTip => "Customers turned away by a wrong clock whom true time would have served.", "Clients refusés par une horloge fausse alors que le temps vrai les aurait servis.";
    MPremature => "holds expired too early", "réservations expirées trop tôt";
    MPrematureTip => "Holds judged expired by a clock before their 5 minutes had really passed.", "Réservations jugées expirées par une horloge avant que leurs 5 minutes soient vraiment écoulées.";
    MLate => "holds expired too late", "réservations expirées trop tard";
    MLateTip => "Holds still judged valid by a clock after their time had really run out.", "Réservations encore jugées valides par une horloge alors que leur temps était vraiment écoulé.";
    MExpiries => "holds released", "réservations libérées";
    MExpiriesTip => "Holds released as expired, rightly or not.", "Réservations libérées comme expirées, à tort ou à raison.";
    MDouble => "double bookings", "doubles ventes";
    MDoubleTip => "Times a seat was confirmed to two customers at once.", "Nombre de fois où une place a été confirmée à deux clients en même temps.";
    MDoubleTime => "mean time to detect", "délai moyen de détection";
    MDoubleTimeTip => "How long a double booking lasted, on average, before a merge or an audit undid it.", "Durée moyenne d'une double vente avant qu'une fusion ou un audit ne la défasse.";
    MRevoked => "holds taken back", "réservations reprises";
    MRevokedTip => "Confirmed holds withdrawn later because another customer got the seat.", "Réservations confirmées puis retirées parce qu'un autre client a eu la place.";
    MNotOpen => "sale not open", "vente pas ouverte";
    MNotOpenTip => "Refused because the server's clock said the sale had not opened yet.", "Refusées parce que l'horloge du serveur disait que la vente n'était pas ouverte.";
    MToken => "session token", "jeton de session";
    MTokenTip => "Refused because the session token was not yet valid or already expired by the server's clock.", "Refusées parce que le jeton de session n'était pas encore valide ou déjà expiré selon l'horloge du serveur.";
    MTaken => "seat taken", "place prise";
    MTakenTip => "Refused because someone else already held the seat.", "Refusées parce que quelqu'un d'autre détenait déjà la place.";
    MUnavailable => "unavailable", "indisponible";
    MRateLimited => "rate-limited", "débit limité";
    MRateLimitedTip => "Refused by the gateway's rate limit: the customer sent more than their token bucket allows (HTTP 429).", "Refusées par la limite de débit de la passerelle : le client a envoyé plus que son seau à jetons ne le permet (HTTP 429).";
    MUnavailableTip => "Refused before any server decided: the instance had crashed, none was up behind the gateway, or it never answered before the gateway's timeout (HTTP 502, 503, 504).", "Refusées avant toute décision d'un serveur : l'instance était plantée, aucune n'était disponible derrière la passerelle, ou elle n'a pas répondu avant le délai de la passerelle (HTTP 502, 503, 504).";
    MSpread => "clock spread", "écart des horloges";
    MSpreadTip => "Standard deviation of the servers' clock offsets: how far apart the clocks are.", "Écart type des décalages des horloges : à quel point les horloges sont éloignées.";
    MMean => "mean", "moyenne";
    MMeanTip => "Average time from a customer's click to the answer.", "Temps moyen entre le clic d'un client et la réponse.";
    MP50 => "median", "médiane";
    MP50Tip => "Half the answers came faster than this.", "La moitié des réponses sont arrivées plus vite.";
    MP99 => "p99", "p99";
    MP99Tip => "99 answers in 100 came faster than this.", "99 réponses sur 100 sont arrivées plus vite.";
    MServer => "server", "serveur";
    MSeveral => "seats with several holders", "places à plusieurs détenteurs";
    MSeveralTip => "At the end, every seat should belong to at most one customer.", "À la fin, chaque place doit appartenir à un client au plus.";
    MNoOutcome => "requests without an answer", "requêtes sans réponse";
    MNoOutcomeTip => "At the end, every request should have exactly one outcome.", "À la fin, chaque requête doit avoir exactement une issue.";
    CheckPending => "Checked once the sale is over.", "Vérifié à la fin de la vente.";

    // Log
    Log => "Event log", "Journal des événements";
    LogHint => "Latest first: true time, the server's local timestamp, and what it decided.", "Le plus récent en haut : temps vrai, horodatage local du serveur, et sa décision.";
    LogEmpty => "No events yet. Press ▶ Play (or Space): every decision a server writes will appear here, latest first.", "Pas encore d'événement. Appuyez sur ▶ Lecture (ou Espace) : chaque décision d'un serveur apparaîtra ici, la plus récente en haut.";
    LogAnomaliesOnly => "anomalies only", "anomalies seulement";
    LogNoAnomaly => "No anomaly so far.", "Aucune anomalie pour l'instant.";
    ColTrue => "true time", "temps vrai";
    ColStamp => "local stamp", "horodatage local";
    ColServer => "server", "serveur";
    ColWhat => "what happened", "ce qui s'est passé";
    LkConfirmed => "confirmed", "confirmée";
    LkRefused => "refused", "refusée";
    LkPaid => "paid", "payée";
    LkPayRefused => "payment refused", "paiement refusé";
    LkRevoked => "taken back", "reprise";
    LkReleased => "released", "libérée";
    Seat => "seat", "place";
    FInversion => "out of order", "hors d'ordre";
    FInversionTip => "Stamped earlier than a line written before it.", "Horodatée avant une ligne écrite plus tôt.";
    FEarly => "early sale", "vente anticipée";
    FWronglyRefused => "wrongly refused", "refus à tort";
    FDouble => "double booking", "double vente";
    FWrong => "wrong winner", "mauvais gagnant";
    FPremature => "expired too early", "expirée trop tôt";
    FLate => "expired too late", "expirée trop tard";

    // Help overlay
    HelpTitle => "Shortcuts and how to read the screen", "Raccourcis et lecture de l'écran";
    KeySpace => "Play or pause", "Lecture ou pause";
    KeyRight => "Step: process one event", "Pas à pas : traiter un événement";
    KeyLeft => "Go back one event (the run is re-simulated to that point)", "Revenir d'un événement (la simulation est refaite jusque-là)";
    KeyShiftArrows => "Previous / next mark of the timeline", "Marque précédente / suivante de la chronologie";
    KeyHomeEnd => "On the timeline: the run's start / end", "Sur la chronologie : début / fin de la simulation";
    KeyR => "Restart with the same seed", "Recommencer avec la même graine";
    KeyHelp => "Show or hide this help", "Afficher ou masquer cette aide";
    KeyEsc => "Close this help", "Fermer cette aide";
    KeyArrows => "Move between seats, in the hall", "Passer d'une place à l'autre, dans la salle";
    KeySpaceName => "Space", "Espace";
    HelpRead1 => "Each server stamps every request with its own clock. True time, shown beside it, is what really happened.", "Chaque serveur horodate les requêtes avec sa propre horloge. Le temps vrai, affiché à côté, est ce qui s'est réellement passé.";
    HelpRead2 => "When clocks disagree, the earliest timestamp is not the earliest click: seats go to the wrong customer (!), the sale opens early, and the log is out of order (⇅).", "Quand les horloges divergent, le plus petit horodatage n'est pas le premier clic : des places vont au mauvais client (!), la vente ouvre trop tôt, et le journal est dans le désordre (⇅).";
    HelpRead3 => "Double bookings (✖) come from writes that nothing serializes, whatever the clocks say: try the policy “unique constraint”.", "Les doubles ventes (✖) viennent d'écritures que rien ne sérialise, quelles que soient les horloges : essayez la politique « contrainte d'unicité ».";
    HelpRead4 => "Changing the scenario (preset, policy, seed, opening, customers, hall) starts a new run; moving a clock acts on the running sale.", "Changer le scénario (préréglage, politique, graine, ouverture, clients, salle) lance une nouvelle séance ; décaler une horloge agit sur la vente en cours.";

    // NTP panel (issue 4)
    NtpTitle => "NTP: keeping the clocks together", "NTP : garder les horloges ensemble";
    NtpHint => "Each reservation server asks time servers for the time and steers its clock. Amber: look into it. Red: act now.", "Chaque serveur de réservation demande l'heure à des serveurs de temps et corrige son horloge. Orange : à surveiller. Rouge : agir tout de suite.";
    NtpEmpty => "NTP is off on every server. Switch it on (“all on”, or one server's switch), or choose an NTP preset above: this table will then show each server's sync state, offset, jitter, delay and chosen time server, and the alerts will appear beside it.", "NTP est coupé sur tous les serveurs. Activez-le (« tout activer », ou l'interrupteur d'un serveur), ou choisissez un préréglage NTP ci-dessus : ce tableau montrera alors l'état de synchronisation, le décalage, la gigue, le délai et le serveur de temps choisi de chaque serveur, et les alertes s'afficheront à côté.";
    NtpAllOn => "all on", "tout activer";
    NtpAllOff => "all off", "tout couper";
    NtpSwitchTip => "Run NTP on this server: it polls time servers and steers its clock towards theirs.", "Faire tourner NTP sur ce serveur : il interroge les serveurs de temps et rapproche son horloge de la leur.";
    NtpColServer => "server", "serveur";
    NtpColNtp => "NTP", "NTP";
    NtpSync => "sync", "synchro";
    NtpSyncTip => "Where synchronisation stands: not synced, measuring the clock's frequency, synced, or in trouble.", "Où en est la synchronisation : non synchronisé, mesure de la fréquence de l'horloge, synchronisé, ou en difficulté.";
    NtpStratum => "stratum", "strate";
    NtpStratumTip => "Steps from a reference clock: 1 reads GPS or an atomic clock, 2 asks a stratum 1, and so on; above 5, reconfigure.", "Le nombre d'étapes jusqu'à une horloge de référence : 1 lit le GPS ou une horloge atomique, 2 interroge une strate 1, etc. ; au-delà de 5, reconfigurer.";
    NtpOffset => "offset", "décalage";
    NtpOffsetTip => "NTP's latest measurement of the gap between its time servers and this clock (+: the clock is behind them); above 100 ms, alert at once.", "La dernière mesure par NTP de l'écart entre ses serveurs de temps et cette horloge (+ : l'horloge retarde sur eux) ; au-delà de 100 ms, alerte immédiate.";
    NtpJitter => "jitter", "gigue";
    NtpJitterTip => "How much successive measurements disagree; above 50 ms, investigate.", "À quel point les mesures successives diffèrent ; au-delà de 50 ms, enquêter.";
    NtpDelay => "delay", "délai";
    NtpDelayTip => "The round trip to the chosen time server, without its processing time; above 200 ms, check the network.", "L'aller-retour vers le serveur de temps choisi, sans son temps de traitement ; au-delà de 200 ms, vérifier le réseau.";
    NtpRootDist => "root distance", "distance racine";
    NtpRootDistTip => "The most the clock can be off from the reference, as NTP reckons it (half the delay to the reference plus the accumulated errors).", "L'erreur maximale de l'horloge par rapport à la référence, selon NTP (la moitié du délai jusqu'à la référence plus les erreurs accumulées).";
    NtpPoll => "poll", "sondage";
    NtpPollTip => "Time between two questions to each time server: 64 s at first, up to 1024 s while the clock is stable.", "Le temps entre deux questions à chaque serveur de temps : 64 s au début, jusqu'à 1024 s quand l'horloge est stable.";
    NtpLastSync => "last sync", "dernière synchro";
    NtpLastSyncTip => "When NTP last corrected this clock, in the server's own local time.", "Quand NTP a corrigé cette horloge pour la dernière fois, à l'heure locale du serveur.";
    NtpSource => "source", "source";
    NtpSourceTip => "The time server this clock follows (the system peer).", "Le serveur de temps que suit cette horloge (le pair système).";
    NtpFalsetickers => "falsetickers", "faux-tickers";
    NtpFalsetickersTip => "Time servers whose answers disagree with the majority: NTP ignores them.", "Les serveurs de temps dont les réponses contredisent la majorité : NTP les ignore.";
    NtpOff => "off", "coupé";
    NtpNever => "never", "jamais";
    NtpNone => "none", "aucun";
    SyUnsync => "not synced", "non synchro";
    SyMeasuring => "measuring frequency", "mesure de fréquence";
    SySynced => "synced", "synchro";
    SySpike => "synced, spike held", "synchro, pic écarté";
    SyNoMajority => "no majority", "pas de majorité";
    SyPanic => "panic: too far off", "panique : trop loin";
    NtpAlerts => "Alerts", "Alertes";
    NtpAlertsEmpty => "No alert yet. When NTP runs, alerts raised and cleared will appear here, latest first.", "Pas encore d'alerte. Quand NTP tourne, les alertes levées puis closes s'afficheront ici, la plus récente en haut.";
    NtpRaised => "raised", "levée";
    NtpCleared => "cleared", "close";
    AlOffset => "offset above 100 ms: alert now", "décalage au-delà de 100 ms : alerte immédiate";
    AlJitter => "jitter above 50 ms: investigate", "gigue au-delà de 50 ms : enquêter";
    AlDelay => "delay above 200 ms: check the network", "délai au-delà de 200 ms : vérifier le réseau";
    AlStratum => "stratum above 5: reconfigure", "strate au-delà de 5 : reconfigurer";
    AlNotSync => "not synchronised", "non synchronisé";
    AlFalseticker => "falseticker found", "faux-ticker détecté";
    AlNoMajority => "no majority among the time servers", "pas de majorité parmi les serveurs de temps";
    AlUnreachable => "time server unreachable", "serveur de temps injoignable";
    AlFallbackOn => "fallback time server takes over", "un serveur de temps de secours prend le relais";
    AlFallbackOff => "fallback released, primaries back", "secours libéré, les principaux sont revenus";
    AlRate => "asked to poll less often (RATE)", "prié d'interroger moins souvent (RATE)";
    AlDenied => "access denied (DENY)", "accès refusé (DENY)";
    EvStepped => "clock stepped by", "horloge recalée de";
    EvPanic => "offset beyond 1000 s: NTP refuses to touch the clock", "décalage au-delà de 1000 s : NTP refuse de toucher l'horloge";
    EvFault => "fault:", "panne :";
    EvNtpOn => "NTP switched on", "NTP activé";
    EvNtpOff => "NTP switched off", "NTP coupé";
    NtpFaults => "Faults (live)", "Pannes (en direct)";
    NtpFaultsHint => "Each button strikes now, on the chosen server or time server; watch the table, the alerts and the charts.", "Chaque bouton frappe maintenant, sur le serveur ou le serveur de temps choisi ; regardez le tableau, les alertes et les graphiques.";
    NtpFaultServer => "Server", "Serveur";
    NtpFaultSource => "Time server", "Serveur de temps";
    FlLiar => "liar +10 s", "menteur +10 s";
    FlLiarTip => "The chosen time server starts answering 10 s ahead; the others outvote it.", "Le serveur de temps choisi se met à répondre avec 10 s d'avance ; les autres le mettent en minorité.";
    FlAsym => "asymmetric route 20/0 ms", "route asymétrique 20/0 ms";
    FlAsymTip => "The chosen server's packets take 20 ms out and 0 ms back: NTP ends 10 ms off without knowing it.", "Les paquets du serveur choisi mettent 20 ms à l'aller et 0 ms au retour : NTP finit décalé de 10 ms sans le savoir.";
    FlDown => "time server down 10 min", "serveur de temps en panne 10 min";
    FlDownTip => "The chosen time server stops answering for 10 minutes.", "Le serveur de temps choisi ne répond plus pendant 10 minutes.";
    FlBump => "clock bump +2 s", "saut d'horloge +2 s";
    FlBumpTip => "The chosen server's clock jumps 2 s ahead (a virtual machine moved, a wrong manual setting).", "L'horloge du serveur choisi saute de 2 s en avant (machine virtuelle déplacée, réglage manuel erroné).";
    FlStrobe => "strobe ±0.5 s", "stroboscope ±0,5 s";
    FlStrobeTip => "For 5 minutes the chosen server's clock flips 0.5 s ahead and back every 30 s, like two time programs fighting.", "Pendant 5 minutes, l'horloge du serveur choisi saute de 0,5 s en avant puis revient toutes les 30 s, comme deux programmes de temps qui se battent.";
    FlPartition => "cut from time 5 min", "coupé du temps 5 min";
    FlPartitionTip => "The chosen server cannot reach any time server for 5 minutes (customers still reach it).", "Le serveur choisi ne joint plus aucun serveur de temps pendant 5 minutes (les clients le joignent toujours).";
    FlRefused => "Refused:", "Refusé :";
    FlDone => "Injected at", "Déclenchée à";

    // NTP charts
    NtpChOffset => "NTP: clock offsets", "NTP : décalages des horloges";
    NtpChJitter => "NTP: jitter", "NTP : gigue";
    NtpChDelay => "NTP: delay", "NTP : délai";
    NtpAxisLog => "ms (log scale)", "ms (échelle log)";
    NtpChEmpty => "Switch NTP on: each server's curve will be drawn here, with the alert threshold dashed.", "Activez NTP : la courbe de chaque serveur sera tracée ici, avec le seuil d'alerte en pointillés.";
    NtpThreshold => "threshold", "seuil";

    // NTP exchange (teaching view)
    ExTitle => "One NTP exchange, step by step", "Un échange NTP, pas à pas";
    ExHint => "The server's last question to a time server: four timestamps, two formulas.", "La dernière question du serveur à un serveur de temps : quatre horodatages, deux formules.";
    ExEmpty => "No exchange yet on this server. Switch its NTP on and play: its latest request and reply will be drawn here, with θ and δ worked out.", "Pas encore d'échange sur ce serveur. Activez son NTP et lancez la lecture : sa dernière requête et sa réponse seront dessinées ici, avec θ et δ calculés.";
    ExClient => "client", "client";
    ExTimeServer => "time server", "serveur de temps";
    ExRequest => "request", "requête";
    ExReply => "reply", "réponse";
    ExClockReads => "clock reads", "l'horloge indique";
    ExTrueAt => "true time", "temps vrai";
    ExT1 => "client sends", "le client envoie";
    ExT2 => "server receives", "le serveur reçoit";
    ExT3 => "server replies", "le serveur répond";
    ExT4 => "client receives", "le client reçoit";
    ExTheta => "offset θ = ((t2 − t1) + (t3 − t4)) / 2", "décalage θ = ((t2 − t1) + (t3 − t4)) / 2";
    ExDelta => "delay δ = (t4 − t1) − (t3 − t2)", "délai δ = (t4 − t1) − (t3 − t2)";
    ExTrueOffset => "true offset (time server's clock − client's clock)", "vrai décalage (horloge du serveur de temps − horloge du client)";
    ExBias => "error of θ (bias)", "erreur de θ (biais)";
    ExOut => "way out", "aller";
    ExBack => "way back", "retour";
    ExAsym => "The route is asymmetric. θ assumes both ways take the same time, so it is off by half the difference; NTP cannot see this: from the four timestamps, a slow way out looks exactly like a client clock that is behind.", "La route est asymétrique. θ suppose que l'aller et le retour durent autant, il se trompe donc de la moitié de la différence ; NTP ne peut pas le voir : avec les quatre horodatages, un aller lent ressemble exactement à une horloge client en retard.";
    ExSym => "Both ways take about the same time, so θ is the true offset; in any case the truth lies within θ ± δ/2.", "L'aller et le retour durent à peu près autant, donc θ est le vrai décalage ; dans tous les cas, la vérité est dans θ ± δ/2.";

    // Real clock (issue 5)
    RcTitle => "Real clock of this machine", "Horloge réelle de cette machine";
    RcNone => "No companion here: start the page with `driftlab serve` to measure this machine's real clock.", "Pas de compagnon ici : ouvrez la page via `driftlab serve` pour mesurer l'horloge réelle de cette machine.";
    RcMeasuring => "Measuring…", "Mesure en cours…";
    RcNotSynced => "No NTP server answered:", "Aucun serveur NTP n'a répondu :";
    RcOffset => "offset", "décalage";
    RcOffsetTip => "NTP time minus this machine's clock: positive means this machine is behind.", "Heure NTP moins l'horloge de cette machine : positif veut dire que cette machine retarde.";
    RcDelay => "delay", "délai";
    RcDelayTip => "The round trip to the NTP server, without its processing time.", "L'aller-retour jusqu'au serveur NTP, sans son temps de traitement.";
    RcStratum => "stratum", "strate";
    RcServer => "server", "serveur";
    RcWhen => "measured at", "mesuré à";
    RcFallback => "via a fallback", "via un secours";
    RcMeasure => "measure now", "mesurer maintenant";
    RcApply => "apply to server-1", "appliquer à server-1";
    RcApplyTip => "Set simulated server-1's clock to run like this machine: its offset becomes minus the measured offset.", "Régler l'horloge simulée de server-1 comme celle de cette machine : son décalage devient l'opposé du décalage mesuré.";
    RcApplied => "server-1's offset is now", "le décalage de server-1 est maintenant";
    RcWait => "Asked too soon; try again in", "Demandé trop tôt ; réessayez dans";
}
