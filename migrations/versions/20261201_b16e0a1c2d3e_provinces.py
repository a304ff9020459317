"""organisations: provinces by code

Organisations and applications stored their province as typed, in Thai or English. They now store its ISO 3166-2:TH
code (TH-50 for Chiang Mai), chosen from a list, and show it in the reader's language. A value this migration
recognises (either name, with or without จังหวัด / จ. / Province, in any case) becomes its code; any other value is
kept as typed (and shown so). The directory's search texts are filled again so that a province is found by its Thai
and its English name. Plain UPDATEs, no batch mode: rebuilding the organisation table on SQLite would drop the FTS5
triggers (updating search_text fires them, so the FTS5 index follows).

Revision ID: b16e0a1c2d3e
Revises: 243f2ba4f4c6
Create Date: 2026-12-01 02:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b16e0a1c2d3e'
down_revision = '243f2ba4f4c6'
branch_labels = None
depends_on = None

# A frozen copy of portal.provinces (migrations never import the application): number of TH-nn, Thai, English.
_PROVINCES = """
10|กรุงเทพมหานคร|Bangkok
11|สมุทรปราการ|Samut Prakan
12|นนทบุรี|Nonthaburi
13|ปทุมธานี|Pathum Thani
14|พระนครศรีอยุธยา|Phra Nakhon Si Ayutthaya
15|อ่างทอง|Ang Thong
16|ลพบุรี|Lop Buri
17|สิงห์บุรี|Sing Buri
18|ชัยนาท|Chai Nat
19|สระบุรี|Saraburi
20|ชลบุรี|Chon Buri
21|ระยอง|Rayong
22|จันทบุรี|Chanthaburi
23|ตราด|Trat
24|ฉะเชิงเทรา|Chachoengsao
25|ปราจีนบุรี|Prachin Buri
26|นครนายก|Nakhon Nayok
27|สระแก้ว|Sa Kaeo
30|นครราชสีมา|Nakhon Ratchasima
31|บุรีรัมย์|Buri Ram
32|สุรินทร์|Surin
33|ศรีสะเกษ|Si Sa Ket
34|อุบลราชธานี|Ubon Ratchathani
35|ยโสธร|Yasothon
36|ชัยภูมิ|Chaiyaphum
37|อำนาจเจริญ|Amnat Charoen
38|บึงกาฬ|Bueng Kan
39|หนองบัวลำภู|Nong Bua Lam Phu
40|ขอนแก่น|Khon Kaen
41|อุดรธานี|Udon Thani
42|เลย|Loei
43|หนองคาย|Nong Khai
44|มหาสารคาม|Maha Sarakham
45|ร้อยเอ็ด|Roi Et
46|กาฬสินธุ์|Kalasin
47|สกลนคร|Sakon Nakhon
48|นครพนม|Nakhon Phanom
49|มุกดาหาร|Mukdahan
50|เชียงใหม่|Chiang Mai
51|ลำพูน|Lamphun
52|ลำปาง|Lampang
53|อุตรดิตถ์|Uttaradit
54|แพร่|Phrae
55|น่าน|Nan
56|พะเยา|Phayao
57|เชียงราย|Chiang Rai
58|แม่ฮ่องสอน|Mae Hong Son
60|นครสวรรค์|Nakhon Sawan
61|อุทัยธานี|Uthai Thani
62|กำแพงเพชร|Kamphaeng Phet
63|ตาก|Tak
64|สุโขทัย|Sukhothai
65|พิษณุโลก|Phitsanulok
66|พิจิตร|Phichit
67|เพชรบูรณ์|Phetchabun
70|ราชบุรี|Ratchaburi
71|กาญจนบุรี|Kanchanaburi
72|สุพรรณบุรี|Suphan Buri
73|นครปฐม|Nakhon Pathom
74|สมุทรสาคร|Samut Sakhon
75|สมุทรสงคราม|Samut Songkhram
76|เพชรบุรี|Phetchaburi
77|ประจวบคีรีขันธ์|Prachuap Khiri Khan
80|นครศรีธรรมราช|Nakhon Si Thammarat
81|กระบี่|Krabi
82|พังงา|Phangnga
83|ภูเก็ต|Phuket
84|สุราษฎร์ธานี|Surat Thani
85|ระนอง|Ranong
86|ชุมพร|Chumphon
90|สงขลา|Songkhla
91|สตูล|Satun
92|ตรัง|Trang
93|พัทลุง|Phatthalung
94|ปัตตานี|Pattani
95|ยะลา|Yala
96|นราธิวาส|Narathiwat
"""
PROVINCES = {"TH-" + number: (thai, english) for number, thai, english in
             (line.split("|") for line in _PROVINCES.strip().splitlines())}
EXTRA_SPELLINGS = {"กรุงเทพฯ": "TH-10", "กรุงเทพ": "TH-10", "กทม.": "TH-10", "กทม": "TH-10", "krung thep": "TH-10",
                   "bangkok metropolis": "TH-10", "อยุธยา": "TH-14", "ayutthaya": "TH-14"}


def _squeeze(text):
    return " ".join((text or "").split()).lower()


def _spellings():
    spellings = dict(EXTRA_SPELLINGS)
    for code, (thai, english) in PROVINCES.items():
        for name in (thai, "จังหวัด" + thai, "จ." + thai, english, english.replace(" ", ""), english + " Province"):
            spellings[_squeeze(name)] = code
    return spellings


SPELLINGS = _spellings()

organisation = sa.table("organisation", sa.column("id"), sa.column("name_th"), sa.column("name_en"),
                        sa.column("province"), sa.column("expertise", sa.JSON), sa.column("visibility", sa.JSON),
                        sa.column("search_text"), sa.column("public_search_text"))
application = sa.table("application", sa.column("id"), sa.column("province"))


def _code(value):
    squeezed = _squeeze(value)
    return squeezed.upper() if squeezed.upper() in PROVINCES else SPELLINGS.get(squeezed)


def _texts(row, province_text):
    # A frozen copy of portal.organisations.models.search_texts.
    level = (row.visibility or {}).get("expertise") or "public"

    def text(with_expertise):
        expertise = (row.expertise or []) if with_expertise else []
        return " ".join([row.name_th or "", row.name_en or "", province_text, *expertise]).lower()

    return {"search_text": text(level != "hidden"), "public_search_text": text(level == "public")}


def upgrade():
    connection = op.get_bind()
    for row in connection.execute(sa.select(organisation)).all():
        code = _code(row.province)
        if code:
            values = {"province": code, **_texts(row, " ".join(PROVINCES[code]))}
            connection.execute(organisation.update().where(organisation.c.id == row.id).values(**values))
    for row in connection.execute(sa.select(application)).all():
        code = _code(row.province)
        if code and code != row.province:
            connection.execute(application.update().where(application.c.id == row.id).values(province=code))


def downgrade():
    # A code goes back to the Thai name (what most rows held before).
    connection = op.get_bind()
    for row in connection.execute(sa.select(organisation)).all():
        if row.province in PROVINCES:
            thai = PROVINCES[row.province][0]
            values = {"province": thai, **_texts(row, thai)}
            connection.execute(organisation.update().where(organisation.c.id == row.id).values(**values))
    for row in connection.execute(sa.select(application)).all():
        if row.province in PROVINCES:
            connection.execute(application.update().where(application.c.id == row.id)
                               .values(province=PROVINCES[row.province][0]))
