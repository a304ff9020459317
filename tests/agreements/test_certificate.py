"""The certificate as a sealed PDF: Thai that reads back, fonts embedded, a seal that shows any change to the file,
and the development key that seals it outside production."""

import asyncio
import http.server
import io
import logging
import os
import re
import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta, timezone

import pypdf
import pytest
from asn1crypto import tsp
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from portal.agreements.certificate import (
    CertificateData,
    CertificateSignature,
    make_development_key,
    read_back,
    render_pdf,
    seal,
)
from portal.i18n import in_language

HOME = ("สำนักงานประชาสัมพันธ์บ้านเรา", "Home PR Office")
OTHER = ("มหาวิทยาลัยอื่น", "Other University")
TEXT_SHA256 = "3f1a" + "0123456789abcdef" * 3 + "fedcba987654"
CHAIN_HEAD = "9c" * 32
SIGNED = datetime(2026, 11, 23, 7, 30, tzinfo=timezone.utc)
STAMPED = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)


def certificate_data(language="th", number="AGR-2569-0001"):
    """A certificate of two signatures, in Thai by default, built by hand (no database)."""
    signatures = [CertificateSignature(
        organisation_th=th, organisation_en=en, signer_name=name, signer_position="ผู้อำนวยการ",
        signed_at=SIGNED + timedelta(minutes=minutes), ip=ip,
        consent_text=f"ข้าพเจ้าได้อ่านข้อตกลงนี้แล้ว และลงนามในนามของ {th}")
        for (th, en), name, minutes, ip in [(HOME, "แอดมินบ้าน", 0, "203.0.113.7"), (OTHER, "สมศรี ลงนาม", 5, None)]]
    return CertificateData(
        number=number, language=language, title_th="ข้อตกลงความร่วมมือด้านข่าวสาร",
        title_en="News cooperation agreement", kind_label="ข้อตกลงความร่วมมือ", version=1,
        published_at=SIGNED - timedelta(days=2), completed_at=SIGNED + timedelta(minutes=5),
        valid_from=date(2026, 12, 1), valid_until=None,
        body_html="<h1>ข้อตกลงความร่วมมือ</h1><p>ทั้งสองฝ่ายจะ<strong>เผยแพร่ข่าวสาร</strong>ของกันและกัน</p>",
        text_sha256=TEXT_SHA256, chain_head=CHAIN_HEAD, signatures=signatures,
        timeline=[(SIGNED, "ลงนาม · สำนักงานประชาสัมพันธ์บ้านเรา · แอดมินบ้าน")],
        verify_url="https://portal.test/verify?number=AGR-2569-0001")


@pytest.fixture
def sealing_app(make_app, tmp_path):
    """An app whose seal is a key made for the test."""
    key, cert = make_development_key(tmp_path / "seal")
    return make_app(SIGNING_KEY_FILE=key, SIGNING_CERT_FILE=cert)


@pytest.fixture
def sealed(sealing_app):
    with sealing_app.app_context():
        return seal(render_pdf(certificate_data()))


def as_read(text):
    """Text as a PDF reader gives it back: no whitespace, and SARA AM without its nikhahit (ำ reads as า)."""
    return re.sub(r"\s+", "", text).replace("ำ", "า")


def test_the_certificate_reads_back_both_names_of_every_organisation_and_its_hashes(sealing_app):
    with sealing_app.app_context():
        reader = pypdf.PdfReader(io.BytesIO(render_pdf(certificate_data())))
    text = as_read("".join(page.extract_text() for page in reader.pages))
    for name in HOME + OTHER + ("แอดมินบ้าน", "สมศรีลงนาม", "ข้อตกลงความร่วมมือด้านข่าวสาร", "AGR-2569-0001"):
        assert as_read(name) in text
    assert "SHA-256" in text and TEXT_SHA256 in text and CHAIN_HEAD in text, "Latin and digits are not Thai glyphs"
    assert "23พ.ย.256914:30" in text, "dates in Bangkok time, Buddhist era"
    assert "203.0.113.7" in text and "https://portal.test/verify?number=AGR-2569-0001" in text


def test_the_certificate_is_in_the_reader_s_language(sealing_app):
    with sealing_app.app_context():
        reader = pypdf.PdfReader(io.BytesIO(render_pdf(certificate_data(language="en"))))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Nov 23, 2026" in text and "News cooperation agreement" in text
    assert reader.metadata["/PortalCertificate"] == "AGR-2569-0001"


def test_every_font_is_embedded_sarabun(sealing_app):
    with sealing_app.app_context():
        reader = pypdf.PdfReader(io.BytesIO(render_pdf(certificate_data())))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"] \
                if "/DescendantFonts" in font else font["/FontDescriptor"]
            fonts[str(font["/BaseFont"])] = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert fonts and all("Sarabun" in name for name in fonts), fonts
    assert all(fonts.values()), "embedded, so that Thai never falls back to boxes"
    assert {name.split("+")[-1] for name in fonts} == {"Sarabun", "Sarabun-Bold"}, "the regular and bold faces"


def test_a_sealed_certificate_reads_back_valid_with_what_it_certifies(sealing_app, sealed):
    with sealing_app.app_context():
        reading = read_back(sealed)
    assert (reading.status, reading.reason) == ("valid", "")
    assert (reading.number, reading.text_sha256, reading.chain_head) == ("AGR-2569-0001", TEXT_SHA256, CHAIN_HEAD)
    assert abs(reading.sealed_at - datetime.now(timezone.utc)) < timedelta(minutes=1)


def _flip_in_content_stream(pdf):
    """Change one byte inside the first page's content stream."""
    contents = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].raw_get("/Contents")
    start = re.search(rb"\b%d 0 obj\b.*?stream\r?\n" % contents.idnum, pdf, re.S).end()
    changed = bytearray(pdf)
    changed[start + 20] ^= 0x01
    return bytes(changed)


def _renumber_in_an_update(pdf):
    """Append an incremental update that gives the certificate another number."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    info = writer.trailer["/Info"].get_object()
    info["/PortalCertificate"] = generic.TextStringObject("AGR-2569-9999")
    writer.update_container(info)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


@pytest.mark.parametrize("change", [
    _flip_in_content_stream, lambda pdf: pdf + b"\n% a line added later\n", _renumber_in_an_update,
], ids=["flipped byte", "appended bytes", "incremental update"])
def test_any_change_to_a_sealed_file_reads_as_modified(sealing_app, sealed, change):
    with sealing_app.app_context(), in_language("en"):  # the reasons in English
        reading = read_back(change(sealed))
    assert reading.status == "modified" and reading.reason == "The file was changed after it was sealed."
    assert reading.number == ""


def test_a_file_sealed_with_another_key_reads_as_modified(sealing_app, tmp_path):
    key, cert = make_development_key(tmp_path / "another")
    with sealing_app.app_context(), in_language("en"):  # the reasons in English
        portal_key = sealing_app.config["SIGNING_KEY_FILE"], sealing_app.config["SIGNING_CERT_FILE"]
        sealing_app.config.update(SIGNING_KEY_FILE=key, SIGNING_CERT_FILE=cert)
        forged = seal(render_pdf(certificate_data()))
        sealing_app.config.update(SIGNING_KEY_FILE=portal_key[0], SIGNING_CERT_FILE=portal_key[1])
        reading = read_back(forged)
    assert (reading.status, reading.reason) == ("modified", "The seal was not made by the portal.")


def _encrypted(pdf):
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    writer.encrypt("", "owner", algorithm="AES-256")
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


@pytest.mark.parametrize("content, reason", [
    ("unsealed", "This file carries no portal seal."),
    (os.urandom(4096), "This file is not a PDF that can be read."),
    (b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n", "This file is not a PDF that can be read."),
    (b"", "This file is not a PDF that can be read."),
    ("encrypted", "This PDF is encrypted."),
], ids=["unsealed", "random bytes", "broken PDF", "empty", "encrypted"])
def test_files_without_our_seal_read_as_unknown(sealing_app, content, reason):
    with sealing_app.app_context(), in_language("en"):  # the reasons in English
        if content == "unsealed":
            content = render_pdf(certificate_data())
        elif content == "encrypted":
            content = _encrypted(seal(render_pdf(certificate_data())))
        assert read_back(content).status == "unknown"
        assert read_back(content).reason == reason


def test_outside_production_a_development_key_is_made_once_and_used(make_app, tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    app = make_app()
    with app.app_context(), caplog.at_level(logging.INFO, logger="portal.agreements.certificate"):
        first = seal(render_pdf(certificate_data()))
        key_bytes = (tmp_path / "signing" / "seal-key.pem").read_bytes()
        second = seal(render_pdf(certificate_data(number="AGR-2569-0002")))
        assert read_back(first).status == read_back(second).status == "valid"
    assert (tmp_path / "signing" / "seal-key.pem").read_bytes() == key_bytes
    assert len([r for r in caplog.records if "development key" in r.getMessage()]) == 1


def test_flask_signing_key_makes_the_files_once_and_never_overwrites_them(app, tmp_path):
    directory = tmp_path / "signing"
    runner = app.test_cli_runner()
    first = runner.invoke(args=["signing-key", "--directory", str(directory)])
    assert first.exit_code == 0, first.output
    key, cert = directory / "seal-key.pem", directory / "seal-cert.pem"
    assert first.stdout.split() == [str(key), str(cert)]
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert key.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert b"BEGIN CERTIFICATE" in cert.read_bytes()
    made = key.read_bytes(), cert.read_bytes()
    again = runner.invoke(args=["signing-key", "--directory", str(directory)])
    assert again.exit_code == 0 and again.stdout.split() == [str(key), str(cert)]
    assert (key.read_bytes(), cert.read_bytes()) == made
    with pytest.raises(FileExistsError):
        make_development_key(directory)
    assert (key.read_bytes(), cert.read_bytes()) == made


@pytest.fixture
def timestamp_authority():
    """A timestamp authority (RFC 3161 over HTTP) on a free loopback port, stamping every request with STAMPED."""
    from asn1crypto import keys, x509
    from cryptography import x509 as cx509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from pyhanko.sign.timestamps import DummyTimeStamper

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # pyHanko's test TSA signs with RSA only
    name = cx509.Name([cx509.NameAttribute(cx509.oid.NameOID.COMMON_NAME, "Test TSA")])
    cert = (cx509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(STAMPED - timedelta(days=1))
            .not_valid_after(datetime.now(timezone.utc) + timedelta(days=365))
            .add_extension(cx509.ExtendedKeyUsage([cx509.oid.ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .sign(key, hashes.SHA256()))
    stamper = DummyTimeStamper(
        tsa_cert=x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=keys.PrivateKeyInfo.load(key.private_bytes(serialization.Encoding.DER,
                                                           serialization.PrivateFormat.PKCS8,
                                                           serialization.NoEncryption())),
        fixed_dt=STAMPED)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            answer = stamper.request_tsa_response(request).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join()


def test_with_a_timestamp_authority_the_seal_carries_its_time(sealing_app, timestamp_authority):
    sealing_app.config["SIGNING_TSA_URL"] = timestamp_authority
    with sealing_app.app_context():
        reading = read_back(seal(render_pdf(certificate_data())))
    assert (reading.status, reading.number, reading.sealed_at) == ("valid", "AGR-2569-0001", STAMPED)


def test_sealing_and_reading_back_work_where_an_event_loop_already_runs(sealing_app):
    """pyHanko starts an asyncio loop of its own; under an async server (or beside Playwright in these tests) one
    already runs in the thread, and sealing must still work rather than answer 500."""
    async def in_a_running_loop():
        with sealing_app.app_context():
            return read_back(seal(render_pdf(certificate_data())))

    # A thread of its own for this loop: in a test process where a browser test ran, Playwright's loop runs here.
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(asyncio.run, in_a_running_loop()).result().status == "valid"
