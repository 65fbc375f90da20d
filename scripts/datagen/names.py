"""Generated names for the demo data: made-up, Finnish- and Swedish-sounding, never real firms.

Company names are built from syllables so the space of names is large enough for the
benchmark (100,000 customers) without repeating; uniqueness is enforced by the caller.
"""

FI_HEADS = [
    "Kal",
    "Mäki",
    "Jär",
    "Vuo",
    "Lah",
    "Kos",
    "Rin",
    "Pel",
    "Hon",
    "Sal",
    "Tor",
    "Kui",
    "Ylä",
    "Ala",
    "Kes",
    "Lou",
    "Rau",
    "Hei",
    "Kaar",
    "Mus",
    "Pih",
    "Ket",
    "Soi",
    "Vaa",
    "Lin",
    "Kur",
    "Hir",
    "Tuo",
    "Paa",
    "Nii",
]
FI_MIDS = ["la", "ne", "ri", "va", "ko", "mo", "ja", "ta", "lu", "si", "pe", "nu"]
FI_TAILS = [
    "nen",
    "la",
    "kka",
    "sto",
    "mäki",
    "ranta",
    "vuori",
    "koski",
    "lahti",
    "niemi",
    "salo",
    "järvi",
    "harju",
    "aho",
    "pelto",
]
FI_SUFFIXES = [
    "Rakennus Oy",
    "Asennus Oy",
    "LVI Oy",
    "Sähkö Oy",
    "Remontti Oy",
    "Kattotyö Oy",
    "Maalaus Oy",
    "Rakennuspalvelu Oy",
    "Talotekniikka Oy",
    "Saneeraus Oy",
    "Puutyö Oy",
    "Rakentajat Oy",
]
SE_HEADS = ["Norr", "Sö", "Väs", "Öst", "Berg", "Sjö", "Lund", "Dal", "Ek", "Björk", "Strand"]
SE_TAILS = ["vik", "by", "näs", "holm", "berga", "ström", "dala", "lund", "hamn", "torp"]
SE_SUFFIXES = ["Bygg AB", "VVS AB", "El AB", "Byggservice AB", "Snickeri AB", "Måleri AB"]

FI_FIRST = [
    "Matti",
    "Juha",
    "Mikko",
    "Jari",
    "Timo",
    "Kari",
    "Antti",
    "Jukka",
    "Petri",
    "Sami",
    "Tuomas",
    "Ville",
    "Janne",
    "Marko",
    "Heikki",
    "Anna",
    "Maria",
    "Tiina",
    "Sari",
    "Laura",
    "Johanna",
    "Minna",
    "Katja",
    "Hanna",
    "Elina",
    "Riikka",
    "Satu",
    "Noora",
    "Paula",
    "Emilia",
]
FI_LAST = [
    "Korhola",
    "Virtamo",
    "Mäkelä",
    "Nieminen",
    "Hämälä",
    "Laineke",
    "Koskela",
    "Heikkilä",
    "Järvelä",
    "Lehtola",
    "Salmela",
    "Saarimo",
    "Kinnula",
    "Rantala",
    "Karjala",
    "Väisälä",
    "Peltola",
    "Ahola",
    "Kallio",
    "Seppälä",
    "Leinonen",
    "Hirvelä",
    "Tuomela",
    "Vesala",
    "Rautio",
    "Pulkka",
    "Hakola",
    "Nurmela",
    "Kettula",
    "Aaltola",
]
SE_FIRST = ["Erik", "Lars", "Anders", "Karin", "Eva", "Sofia", "Johan", "Maja", "Nils", "Linnea"]
SE_LAST = ["Lindqvist", "Berglöf", "Åkerlund", "Sandell", "Holmgren", "Ekström", "Dahlin"]

FI_CITIES = [
    ("Helsinki", "00100"),
    ("Espoo", "02100"),
    ("Vantaa", "01300"),
    ("Tampere", "33100"),
    ("Turku", "20100"),
    ("Oulu", "90100"),
    ("Jyväskylä", "40100"),
    ("Kuopio", "70100"),
    ("Lahti", "15100"),
    ("Pori", "28100"),
    ("Joensuu", "80100"),
    ("Lappeenranta", "53100"),
    ("Hämeenlinna", "13100"),
    ("Vaasa", "65100"),
    ("Seinäjoki", "60100"),
    ("Rovaniemi", "96100"),
    ("Kouvola", "45100"),
    ("Mikkeli", "50100"),
    ("Kotka", "48100"),
    ("Salo", "24100"),
]
SE_CITIES = [
    ("Umeå", "90325"),
    ("Sundsvall", "85230"),
    ("Gävle", "80320"),
    ("Uppsala", "75320"),
    ("Västerås", "72212"),
    ("Luleå", "97231"),
]

STREETS = [
    "Teollisuuskatu",
    "Varastotie",
    "Kauppakatu",
    "Rantatie",
    "Koivukuja",
    "Myllytie",
    "Asemakatu",
    "Pajatie",
    "Sahatie",
    "Tehtaankatu",
]

SALES_NAMES = [
    ("Aino", "Kivelä"),
    ("Eero", "Hannula"),
    ("Liisa", "Rinnemaa"),
    ("Pekka", "Sorvari"),
    ("Kaisa", "Venholm"),
    ("Olli", "Harjanne"),
    ("Tarja", "Lumikivi"),
    ("Jussi", "Aarnio"),
]

CONTACT_TITLES = {
    "procurement": ["Hankintapäällikkö", "Ostaja", "Hankintajohtaja"],
    "project_managers": ["Projektipäällikkö", "Työmaapäällikkö", "Vastaava työnjohtaja"],
    "marketing": ["Markkinointipäällikkö", "Myyntijohtaja", "Markkinointikoordinaattori"],
}


def company_name(rng, used, swedish=False):
    """A unique made-up company name; `used` is the set of names already taken."""
    for attempt in range(50):
        if swedish:
            word = rng.choice(SE_HEADS) + rng.choice(SE_TAILS)
            suffix = rng.choice(SE_SUFFIXES)
        else:
            word = rng.choice(FI_HEADS)
            for _mid in range(rng.choice((0, 1, 1, 2)) + (attempt // 10)):
                word += rng.choice(FI_MIDS)
            word += rng.choice(FI_TAILS)
            suffix = rng.choice(FI_SUFFIXES)
        name = f"{word.capitalize()} {suffix}"
        if name not in used:
            used.add(name)
            return name
    # Astronomically rare with the syllable space above; keeps the generator total.
    name = f"{name} {len(used)}"
    used.add(name)
    return name


def person_name(rng, swedish=False):
    if swedish:
        return f"{rng.choice(SE_FIRST)} {rng.choice(SE_LAST)}"
    return f"{rng.choice(FI_FIRST)} {rng.choice(FI_LAST)}"
