"""Thailand's 77 provinces: an ISO 3166-2:TH code (what the portal stores), the Thai and English names, and the
region of the portal's six (the National Geographical Committee's six regions, Bangkok counted with the Central).

A province is stored as its code; a value that is no code (typed by hand before the list existed) is kept and shown
as it was typed.
"""

from collections import namedtuple

Province = namedtuple("Province", "code name_th name_en region")

# code, Thai, English, region
_ROWS = """
TH-10|กรุงเทพมหานคร|Bangkok|bangkok_central
TH-11|สมุทรปราการ|Samut Prakan|bangkok_central
TH-12|นนทบุรี|Nonthaburi|bangkok_central
TH-13|ปทุมธานี|Pathum Thani|bangkok_central
TH-14|พระนครศรีอยุธยา|Phra Nakhon Si Ayutthaya|bangkok_central
TH-15|อ่างทอง|Ang Thong|bangkok_central
TH-16|ลพบุรี|Lop Buri|bangkok_central
TH-17|สิงห์บุรี|Sing Buri|bangkok_central
TH-18|ชัยนาท|Chai Nat|bangkok_central
TH-19|สระบุรี|Saraburi|bangkok_central
TH-20|ชลบุรี|Chon Buri|east
TH-21|ระยอง|Rayong|east
TH-22|จันทบุรี|Chanthaburi|east
TH-23|ตราด|Trat|east
TH-24|ฉะเชิงเทรา|Chachoengsao|east
TH-25|ปราจีนบุรี|Prachin Buri|east
TH-26|นครนายก|Nakhon Nayok|bangkok_central
TH-27|สระแก้ว|Sa Kaeo|east
TH-30|นครราชสีมา|Nakhon Ratchasima|northeast
TH-31|บุรีรัมย์|Buri Ram|northeast
TH-32|สุรินทร์|Surin|northeast
TH-33|ศรีสะเกษ|Si Sa Ket|northeast
TH-34|อุบลราชธานี|Ubon Ratchathani|northeast
TH-35|ยโสธร|Yasothon|northeast
TH-36|ชัยภูมิ|Chaiyaphum|northeast
TH-37|อำนาจเจริญ|Amnat Charoen|northeast
TH-38|บึงกาฬ|Bueng Kan|northeast
TH-39|หนองบัวลำภู|Nong Bua Lam Phu|northeast
TH-40|ขอนแก่น|Khon Kaen|northeast
TH-41|อุดรธานี|Udon Thani|northeast
TH-42|เลย|Loei|northeast
TH-43|หนองคาย|Nong Khai|northeast
TH-44|มหาสารคาม|Maha Sarakham|northeast
TH-45|ร้อยเอ็ด|Roi Et|northeast
TH-46|กาฬสินธุ์|Kalasin|northeast
TH-47|สกลนคร|Sakon Nakhon|northeast
TH-48|นครพนม|Nakhon Phanom|northeast
TH-49|มุกดาหาร|Mukdahan|northeast
TH-50|เชียงใหม่|Chiang Mai|north
TH-51|ลำพูน|Lamphun|north
TH-52|ลำปาง|Lampang|north
TH-53|อุตรดิตถ์|Uttaradit|north
TH-54|แพร่|Phrae|north
TH-55|น่าน|Nan|north
TH-56|พะเยา|Phayao|north
TH-57|เชียงราย|Chiang Rai|north
TH-58|แม่ฮ่องสอน|Mae Hong Son|north
TH-60|นครสวรรค์|Nakhon Sawan|bangkok_central
TH-61|อุทัยธานี|Uthai Thani|bangkok_central
TH-62|กำแพงเพชร|Kamphaeng Phet|bangkok_central
TH-63|ตาก|Tak|west
TH-64|สุโขทัย|Sukhothai|bangkok_central
TH-65|พิษณุโลก|Phitsanulok|bangkok_central
TH-66|พิจิตร|Phichit|bangkok_central
TH-67|เพชรบูรณ์|Phetchabun|bangkok_central
TH-70|ราชบุรี|Ratchaburi|west
TH-71|กาญจนบุรี|Kanchanaburi|west
TH-72|สุพรรณบุรี|Suphan Buri|bangkok_central
TH-73|นครปฐม|Nakhon Pathom|bangkok_central
TH-74|สมุทรสาคร|Samut Sakhon|bangkok_central
TH-75|สมุทรสงคราม|Samut Songkhram|bangkok_central
TH-76|เพชรบุรี|Phetchaburi|west
TH-77|ประจวบคีรีขันธ์|Prachuap Khiri Khan|west
TH-80|นครศรีธรรมราช|Nakhon Si Thammarat|south
TH-81|กระบี่|Krabi|south
TH-82|พังงา|Phangnga|south
TH-83|ภูเก็ต|Phuket|south
TH-84|สุราษฎร์ธานี|Surat Thani|south
TH-85|ระนอง|Ranong|south
TH-86|ชุมพร|Chumphon|south
TH-90|สงขลา|Songkhla|south
TH-91|สตูล|Satun|south
TH-92|ตรัง|Trang|south
TH-93|พัทลุง|Phatthalung|south
TH-94|ปัตตานี|Pattani|south
TH-95|ยะลา|Yala|south
TH-96|นราธิวาส|Narathiwat|south
"""

PROVINCES = {row[0]: Province(*row) for row in (line.split("|") for line in _ROWS.strip().splitlines())}

# The regions in the order the select groups them (the values of portal.organisations.models.Region).
REGION_ORDER = ("bangkok_central", "north", "northeast", "east", "west", "south")


def _spellings(province):
    """What people type for a province: either name, with or without จังหวัด / จ. / Province, in any case."""
    thai, english = province.name_th, province.name_en
    names = {thai, "จังหวัด" + thai, "จ." + thai, english, english.replace(" ", ""), english + " Province"}
    if province.code == "TH-10":
        names |= {"กรุงเทพฯ", "กรุงเทพ", "กทม.", "กทม", "Bangkok Metropolis", "Krung Thep"}
    if province.code == "TH-14":
        names |= {"อยุธยา", "Ayutthaya"}
    return {" ".join(name.split()).lower() for name in names}


_BY_SPELLING = {spelling: code for code, province in PROVINCES.items() for spelling in _spellings(province)}


def code_of(text):
    """The code of the province that a typed name (Thai or English) or a code names, or None."""
    text = " ".join((text or "").split())
    if text.upper() in PROVINCES:
        return text.upper()
    return _BY_SPELLING.get(text.lower())


def codes_matching(text):
    """The codes of the provinces whose Thai or English name contains `text` (any letter case), for a search."""
    text = " ".join((text or "").split()).lower()
    return [code for code, p in PROVINCES.items() if text and (text in p.name_th or text in p.name_en.lower())]


def province_name(value, language):
    """A stored province in a language: the name of its code, or the value as typed when it is no code."""
    province = PROVINCES.get(value or "")
    if province is None:
        return value or ""
    return province.name_en if language == "en" else province.name_th


def province_names(value):
    """Both names of a stored province (for the directory's search), or the value as typed."""
    province = PROVINCES.get(value or "")
    return f"{province.name_th} {province.name_en}" if province else (value or "")


def grouped(language):
    """The provinces by region, in the language's alphabetical order: [(region, [(code, name), ...]), ...]."""
    def name(p):
        return province_name(p.code, language)

    def order(pair):  # a Thai leading vowel (เ แ โ ใ ไ) sorts after its consonant
        text = pair[1]
        return text[1] + text[0] + text[2:] if text[:1] in "เแโใไ" else text
    return [(region, sorted(((p.code, name(p)) for p in PROVINCES.values() if p.region == region), key=order))
            for region in REGION_ORDER]
