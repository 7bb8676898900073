"""Word lists for realistic sample customers in Germany, Austria and Switzerland.

Cities with a real postal code of their centre and the real telephone area code (without 0).
"""

# (city, postal code, country, area code)
CITIES = [
    ("Berlin", "10115", "DE", "30"), ("Berlin", "10178", "DE", "30"), ("Berlin", "10719", "DE", "30"),
    ("Hamburg", "20095", "DE", "40"), ("Hamburg", "22765", "DE", "40"), ("München", "80331", "DE", "89"),
    ("München", "80802", "DE", "89"), ("Köln", "50667", "DE", "221"), ("Frankfurt am Main", "60311", "DE", "69"),
    ("Stuttgart", "70173", "DE", "711"), ("Düsseldorf", "40213", "DE", "211"), ("Leipzig", "04109", "DE", "341"),
    ("Dortmund", "44135", "DE", "231"), ("Essen", "45127", "DE", "201"), ("Bremen", "28195", "DE", "421"),
    ("Dresden", "01067", "DE", "351"), ("Hannover", "30159", "DE", "511"), ("Nürnberg", "90402", "DE", "911"),
    ("Duisburg", "47051", "DE", "203"), ("Bochum", "44787", "DE", "234"), ("Wuppertal", "42103", "DE", "202"),
    ("Bielefeld", "33602", "DE", "521"), ("Bonn", "53111", "DE", "228"), ("Münster", "48143", "DE", "251"),
    ("Mannheim", "68159", "DE", "621"), ("Karlsruhe", "76133", "DE", "721"), ("Augsburg", "86150", "DE", "821"),
    ("Wiesbaden", "65183", "DE", "611"), ("Mönchengladbach", "41061", "DE", "2161"), ("Aachen", "52062", "DE", "241"),
    ("Braunschweig", "38100", "DE", "531"), ("Kiel", "24103", "DE", "431"), ("Chemnitz", "09111", "DE", "371"),
    ("Halle (Saale)", "06108", "DE", "345"), ("Magdeburg", "39104", "DE", "391"), ("Freiburg im Breisgau", "79098", "DE", "761"),
    ("Krefeld", "47798", "DE", "2151"), ("Mainz", "55116", "DE", "6131"), ("Lübeck", "23552", "DE", "451"),
    ("Erfurt", "99084", "DE", "361"), ("Rostock", "18055", "DE", "381"), ("Kassel", "34117", "DE", "561"),
    ("Potsdam", "14467", "DE", "331"), ("Saarbrücken", "66111", "DE", "681"), ("Oldenburg", "26122", "DE", "441"),
    ("Osnabrück", "49074", "DE", "541"), ("Darmstadt", "64283", "DE", "6151"), ("Heidelberg", "69117", "DE", "6221"),
    ("Regensburg", "93047", "DE", "941"), ("Paderborn", "33098", "DE", "5251"), ("Ingolstadt", "85049", "DE", "841"),
    ("Würzburg", "97070", "DE", "931"), ("Ulm", "89073", "DE", "731"), ("Heilbronn", "74072", "DE", "7131"),
    ("Pforzheim", "75175", "DE", "7231"), ("Wolfsburg", "38440", "DE", "5361"), ("Göttingen", "37073", "DE", "551"),
    ("Reutlingen", "72764", "DE", "7121"), ("Koblenz", "56068", "DE", "261"), ("Erlangen", "91052", "DE", "9131"),
    ("Trier", "54290", "DE", "651"), ("Jena", "07743", "DE", "3641"), ("Siegen", "57072", "DE", "271"),
    ("Hildesheim", "31134", "DE", "5121"), ("Cottbus", "03046", "DE", "355"), ("Schwerin", "19053", "DE", "385"),
    ("Gütersloh", "33330", "DE", "5241"), ("Kaiserslautern", "67655", "DE", "631"), ("Flensburg", "24937", "DE", "461"),
    ("Konstanz", "78462", "DE", "7531"), ("Passau", "94032", "DE", "851"), ("Bamberg", "96047", "DE", "951"),
    ("Bayreuth", "95444", "DE", "921"), ("Lüneburg", "21335", "DE", "4131"), ("Rosenheim", "83022", "DE", "8031"),
    ("Landshut", "84028", "DE", "871"), ("Fulda", "36037", "DE", "661"), ("Gießen", "35390", "DE", "641"),
    ("Wien", "1010", "AT", "1"), ("Wien", "1030", "AT", "1"), ("Wien", "1100", "AT", "1"), ("Graz", "8010", "AT", "316"),
    ("Linz", "4020", "AT", "732"), ("Salzburg", "5020", "AT", "662"), ("Innsbruck", "6020", "AT", "512"),
    ("Klagenfurt am Wörthersee", "9020", "AT", "463"), ("Villach", "9500", "AT", "4242"), ("Wels", "4600", "AT", "7242"),
    ("St. Pölten", "3100", "AT", "2742"), ("Dornbirn", "6850", "AT", "5572"), ("Steyr", "4400", "AT", "7252"),
    ("Wiener Neustadt", "2700", "AT", "2622"), ("Feldkirch", "6800", "AT", "5522"), ("Bregenz", "6900", "AT", "5574"),
    ("Leoben", "8700", "AT", "3842"), ("Krems an der Donau", "3500", "AT", "2732"),
    ("Zürich", "8001", "CH", "44"), ("Zürich", "8005", "CH", "44"), ("Genève", "1201", "CH", "22"),
    ("Basel", "4051", "CH", "61"), ("Lausanne", "1003", "CH", "21"), ("Bern", "3011", "CH", "31"),
    ("Winterthur", "8400", "CH", "52"), ("Luzern", "6003", "CH", "41"), ("St. Gallen", "9000", "CH", "71"),
    ("Lugano", "6900", "CH", "91"), ("Biel/Bienne", "2502", "CH", "32"), ("Thun", "3600", "CH", "33"),
    ("Schaffhausen", "8200", "CH", "52"), ("Chur", "7000", "CH", "81"), ("Fribourg", "1700", "CH", "26"),
    ("Zug", "6300", "CH", "41"), ("Aarau", "5000", "CH", "62"),
]
# Germany carries most of the weight, as in a German-speaking sales team's customer base.
COUNTRY_WEIGHT = {"DE": 6, "AT": 2, "CH": 2}
COUNTRY_PHONE = {"DE": "+49", "AT": "+43", "CH": "+41"}
COUNTRY_TLD = {"DE": "de", "AT": "at", "CH": "ch"}

SURNAMES = [
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
    "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann",
    "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Schmitz", "Krause", "Meier",
    "Lehmann", "Schmid", "Schulze", "Maier", "Köhler", "Herrmann", "König", "Walter", "Mayer", "Huber",
    "Kaiser", "Fuchs", "Peters", "Lang", "Scholz", "Möller", "Weiß", "Jung", "Hahn", "Schubert", "Vogel",
    "Friedrich", "Keller", "Günther", "Frank", "Berger", "Winkler", "Roth", "Beck", "Lorenz", "Baumann",
    "Franke", "Albrecht", "Schuster", "Simon", "Ludwig", "Böhm", "Winter", "Kraus", "Martin", "Schumacher",
    "Gruber", "Pichler", "Steiner", "Moser", "Brunner", "Hofer", "Leitner", "Egger", "Gasser", "Ammann",
    "Bühler", "Frei", "Baumgartner", "Widmer", "Graf", "Lüthi", "Kälin", "Ebner", "Haas", "Aigner",
]
FIRST_NAMES = [
    "Anna", "Andreas", "Barbara", "Bernd", "Christina", "Christian", "Daniela", "Daniel", "Elena", "Erik",
    "Franziska", "Florian", "Gabriele", "Georg", "Hannah", "Heinz", "Ines", "Jan", "Julia", "Jürgen", "Katrin",
    "Klaus", "Laura", "Lars", "Maria", "Markus", "Nina", "Niklas", "Petra", "Peter", "Sabine", "Stefan",
    "Tanja", "Thomas", "Ursula", "Uwe", "Verena", "Wolfgang", "Yvonne", "Matthias", "Sophie", "Lukas",
    "Lea", "Tobias", "Sandra", "Michael", "Claudia", "Martin", "Birgit", "Reto", "Beat", "Ursina", "Sepp",
    "Theresa", "Johannes", "Kerstin", "Ralf", "Monika", "Frank", "Simone",
]
TRADES = [
    "Maschinenbau", "Metallbau", "Elektrotechnik", "Haustechnik", "Logistik", "Spedition", "Bauunternehmung",
    "Holzbau", "Kunststofftechnik", "Feinmechanik", "Automation", "Antriebstechnik", "Werkzeugbau", "Druckerei",
    "Verpackung", "Lebensmittel", "Getränke", "Medizintechnik", "Labortechnik", "Software", "IT-Service",
    "Systemhaus", "Energietechnik", "Solartechnik", "Anlagenbau", "Stahlbau", "Fahrzeugbau", "Baustoffe",
    "Möbelwerk", "Textil", "Optik", "Sensorik", "Messtechnik", "Umwelttechnik", "Gebäudereinigung",
    "Personalservice", "Steuerberatung", "Ingenieurbüro", "Immobilien", "Handel",
]
SHOPS = ["Bäckerei", "Metzgerei", "Autohaus", "Schreinerei", "Malerbetrieb", "Elektro", "Sanitär", "Gärtnerei",
         "Apotheke", "Hotel", "Brauerei", "Weingut", "Zahnarztpraxis", "Kanzlei", "Optiker"]
STEMS = ["Alpen", "Nord", "Süd", "Rhein", "Donau", "Isar", "Elb", "Main", "Boden", "Harz", "Eifel", "Tauern",
         "Jura", "Inn", "Weser", "Ruhr", "Hanse", "Linden", "Eichen", "Tannen", "Falken", "Adler", "Stern",
         "Sonnen", "Berg", "Tal", "Quell", "Blau", "Grün", "Euro", "Inter", "Pro", "Neo", "Tec", "Meta"]
ENDINGS = ["werk", "tec", "tronic", "form", "plan", "log", "data", "med", "bau", "systems", "consult", "motion",
           "line", "vision", "logic", "energie", "chemie", "pack", "mobil", "metall"]
LEGAL_FORMS = {
    "DE": [("GmbH", 50), ("GmbH & Co. KG", 15), ("AG", 6), ("KG", 6), ("e.K.", 8), ("UG (haftungsbeschränkt)", 5), ("OHG", 3), ("SE", 1)],
    "AT": [("GmbH", 60), ("AG", 8), ("KG", 10), ("OG", 10), ("e.U.", 10), ("GesmbH", 2)],
    "CH": [("AG", 55), ("GmbH", 30), ("SA", 8), ("Sàrl", 4), ("Genossenschaft", 3)],
}
INDUSTRIES = [
    "Maschinenbau", "Automobilzulieferer", "Chemie", "Pharma", "Logistik", "Großhandel", "Einzelhandel",
    "IT-Dienstleistungen", "Bauwesen", "Energieversorgung", "Lebensmittelindustrie", "Medizintechnik",
    "Elektrotechnik", "Metallverarbeitung", "Kunststoffindustrie", "Druck und Medien", "Beratung",
    "Gesundheitswesen", "Öffentliche Verwaltung", "Handwerk", "Hotellerie und Gastronomie", "Finanzdienstleistungen",
]
STREETS = [
    "Hauptstraße", "Bahnhofstraße", "Industriestraße", "Gartenstraße", "Schulstraße", "Dorfstraße", "Bergstraße",
    "Lindenstraße", "Kirchstraße", "Am Markt", "Gewerbering", "Mühlenweg", "Friedrichstraße", "Goethestraße",
    "Schillerstraße", "Mozartstraße", "Poststraße", "Im Gewerbepark", "Rosenweg", "Feldstraße", "Wiesenweg",
    "Kantstraße", "Hafenstraße", "Ringstraße", "Waldstraße", "Marktplatz", "Werkstraße", "Daimlerstraße",
    "Siemensstraße", "Carl-Benz-Straße", "Robert-Bosch-Straße", "Max-Planck-Straße", "Zeppelinstraße",
]
POSITIONS = [
    "Geschäftsführer", "Geschäftsführerin", "Einkaufsleiter", "Einkäuferin", "Technischer Leiter", "Vertriebsleiterin",
    "Assistenz der Geschäftsführung", "IT-Leiter", "Produktionsleiterin", "Leiter Finanzen", "Prokurist", "Inhaber",
    "Projektleiterin", "Werksleiter", "Leiterin Qualitätsmanagement", "Facility Manager", "Sachbearbeiter Einkauf",
]
MOBILE_PREFIXES = {"DE": ["151", "160", "170", "171", "176"], "AT": ["664", "676", "699"], "CH": ["76", "78", "79"]}
