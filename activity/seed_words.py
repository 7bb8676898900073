"""The sample activity history's words for activity/seed.py: subjects per kind and notes, in
English for an English tenant and in German for a German one (seed_demo seeds in the tenant's
language). Values go into COPY text lines as they are: no tabs, newlines or backslashes."""

# kind, weight, subjects, duration range in minutes (None: no duration)
HUMAN = [
    (
        "call",
        34,
        [
            "Follow-up call",
            "Clarified requirements",
            "Called about the offer",
            "Short check-in",
            "Discussed delivery dates",
            "Price negotiation by phone",
            "Reached voicemail",
        ],
        (5, 40),
    ),
    (
        "email",
        24,
        [
            "Sent offer",
            "Sent product documentation",
            "Answered questions",
            "Sent meeting notes",
            "Sent revised quote",
            "Newsletter follow-up",
        ],
        None,
    ),
    (
        "meeting",
        12,
        [
            "On-site visit",
            "Product demo",
            "Kick-off meeting",
            "Quarterly review",
            "Trade fair meeting",
            "Workshop with the buying team",
        ],
        (30, 180),
    ),
    (
        "note",
        13,
        [
            "Budget approved for next year",
            "New purchasing manager",
            "Competitor is active here",
            "Prefers e-mail contact",
            "Decision expected next month",
        ],
        None,
    ),
    (
        "task",
        11,
        [
            "Send offer",
            "Call back",
            "Prepare demo",
            "Check credit limit",
            "Invite to event",
            "Update contact data",
        ],
        None,
    ),
    ("other", 6, ["Christmas card", "Event invitation sent", "Reference visit arranged"], None),
]
TEXTS = [
    "",
    "",
    "",
    "Customer is interested, wants numbers by Friday.",
    "Asked for a discount of 5 %.",
    "Technical questions answered; next step: demo.",
    "No decision yet, call again in two weeks.",
    "Very positive conversation.",
    "They compare us with two competitors.",
]

# the same for a German tenant (same kinds, weights and durations)
HUMAN_DE = [
    (
        "call",
        34,
        [
            "Nachfassanruf",
            "Anforderungen geklärt",
            "Wegen des Angebots angerufen",
            "Kurz nachgefragt",
            "Liefertermine besprochen",
            "Preisverhandlung am Telefon",
            "Nur Mailbox erreicht",
        ],
        (5, 40),
    ),
    (
        "email",
        24,
        [
            "Angebot gesendet",
            "Produktunterlagen gesendet",
            "Fragen beantwortet",
            "Gesprächsprotokoll gesendet",
            "Überarbeitetes Angebot gesendet",
            "Nachfassen zum Newsletter",
        ],
        None,
    ),
    (
        "meeting",
        12,
        [
            "Besuch vor Ort",
            "Produktvorführung",
            "Kick-off-Termin",
            "Quartalsgespräch",
            "Gespräch auf der Messe",
            "Workshop mit dem Einkauf",
        ],
        (30, 180),
    ),
    (
        "note",
        13,
        [
            "Budget fürs nächste Jahr freigegeben",
            "Neuer Einkaufsleiter",
            "Wettbewerber ist hier aktiv",
            "Bevorzugt Kontakt per E-Mail",
            "Entscheidung im nächsten Monat erwartet",
        ],
        None,
    ),
    (
        "task",
        11,
        [
            "Angebot senden",
            "Zurückrufen",
            "Vorführung vorbereiten",
            "Kreditlimit prüfen",
            "Zur Veranstaltung einladen",
            "Kontaktdaten aktualisieren",
        ],
        None,
    ),
    (
        "other",
        6,
        ["Weihnachtskarte", "Einladung zur Veranstaltung versandt", "Referenzbesuch vereinbart"],
        None,
    ),
]
TEXTS_DE = [
    "",
    "",
    "",
    "Kunde ist interessiert, möchte bis Freitag Zahlen.",
    "Hat nach 5 % Rabatt gefragt.",
    "Technische Fragen beantwortet; nächster Schritt: Vorführung.",
    "Noch keine Entscheidung, in zwei Wochen wieder anrufen.",
    "Sehr positives Gespräch.",
    "Vergleicht uns mit zwei Wettbewerbern.",
]
