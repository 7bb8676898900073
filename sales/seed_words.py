"""The sample data's words for sales/seed.py: project titles and group names, in English for an
English tenant and in German for a German one (seed_demo seeds in the tenant's language)."""

PRODUCTS = [
    "CNC milling centre",
    "Conveyor system",
    "Packaging line",
    "Pump set",
    "Control cabinet",
    "Robot cell",
    "Laser cutter",
    "Hydraulic press",
    "Spare parts framework",
    "Retrofit",
    "Maintenance contract",
    "Training package",
    "Software licences",
    "Measuring station",
    "Compressor",
    "Cooling system",
    "Warehouse racking",
    "Forklift fleet",
    "Energy audit",
    "Safety fencing",
    "Welding robots",
    "Test bench",
    "Filtration unit",
    "Service hotline",
]
SUFFIX = ["", "", "2026", "phase 2", "extension", "replacement", "new site", "pilot", "upgrade"]
# a German tenant's sample titles (seeded in its language, see tenant_provision)
PRODUCTS_DE = [
    "CNC-Fräszentrum",
    "Förderanlage",
    "Verpackungslinie",
    "Pumpensatz",
    "Schaltschrank",
    "Roboterzelle",
    "Laserschneidanlage",
    "Hydraulikpresse",
    "Ersatzteil-Rahmenvertrag",
    "Retrofit",
    "Wartungsvertrag",
    "Schulungspaket",
    "Softwarelizenzen",
    "Messstation",
    "Kompressor",
    "Kühlanlage",
    "Lagerregale",
    "Staplerflotte",
    "Energieaudit",
    "Schutzzaun",
    "Schweißroboter",
    "Prüfstand",
    "Filteranlage",
    "Service-Hotline",
]
SUFFIX_DE = [
    "",
    "",
    "2026",
    "Phase 2",
    "Erweiterung",
    "Ersatz",
    "neuer Standort",
    "Pilot",
    "Modernisierung",
]


# the seeded groups are called "<label>: <customer>"
GROUP_LABELS = {"alternatives": "Alternatives", "subprojects": "Complete project"}
GROUP_LABELS_DE = {"alternatives": "Alternativangebote", "subprojects": "Gesamtprojekt"}
