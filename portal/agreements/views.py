"""Agreements: the list, drafts and publishing, each version with its status, signing and declining, certificates,
the audit trail, and the public verify page."""


from flask import Blueprint, abort, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.agreements import access, certificates, drafts, overview, signing
from portal.agreements.forms import DeclineForm, DraftForm, SignForm, VerifyForm
from portal.agreements.models import Agreement, AgreementEvent, AgreementKind, Answer
from portal.agreements.text import to_html
from portal.auth.access import fresh_login_required
from portal.auth.limits import password_confirmed, refusal
from portal.extensions import db
from portal.forms import ConfirmForm, choices
from portal.htmx import render, see_other
from portal.i18n import page_language
from portal.organisations.guards import member_required
from portal.organisations.models import Organisation, OrgStatus
from portal.web import csv_download

bp = Blueprint("agreements", __name__, url_prefix="/agreements")
verify_bp = Blueprint("verify", __name__)



def _agreement(agreement_id, edit=False):
    agreement = db.get_or_404(Agreement, agreement_id)
    if not (access.may_edit(current_user, agreement) if edit else access.may_read(current_user, agreement)):
        abort(404 if not access.may_read(current_user, agreement) else 403)
    return agreement


def _version(agreement_id, number):
    agreement = _agreement(agreement_id)
    version = next((v for v in agreement.versions if v.number == number), None) or abort(404)
    return agreement, version


# The list, and drafts

@bp.get("")
@member_required
def index():
    """The person's agreements: to sign, open, in force, ended; drafts; and where to start a new one."""
    return render("agreements/index.html", groups=overview.for_person(current_user),
                  may_draft_charter=access.may_draft(current_user, AgreementKind.CHARTER),
                  drafting_for=access.drafting_organisations(current_user), confirm_form=ConfirmForm())


@bp.post("/new")
@member_required
def start():
    """Start a draft: a charter, or a cooperation agreement of one of the person's organisations."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    kind = AgreementKind(request.form.get("kind", "")) if request.form.get("kind") in AgreementKind.labels() \
        else abort(400)
    organisation = None
    if kind == AgreementKind.COOPERATION:
        organisation = db.session.get(Organisation, request.form.get("organisation", 0, type=int)) or abort(400)
    if not access.may_draft(current_user, kind, organisation):
        abort(403)
    agreement = drafts.start(kind, by=current_user, organisation=organisation)
    db.session.commit()
    return see_other(url_for("agreements.draft", agreement_id=agreement.id))


def _partner_choices(agreement):
    return choices((o.id, o.name_in(page_language())) for o in db.session.scalars(
        db.select(Organisation).where(Organisation.status == OrgStatus.ACTIVE,
                                      Organisation.id != agreement.author_organisation_id)
        .order_by(Organisation.sort_key)))


def _draft_form(agreement, formdata=None):
    form = DraftForm(formdata=formdata, obj=agreement if formdata is None else None,
                     partners=[p.organisation_id for p in agreement.draft_parties[1:]])
    form.partners.choices = _partner_choices(agreement) if agreement.kind == AgreementKind.COOPERATION else []
    return form


def _draft_page(agreement, form, status=200):
    return render("agreements/draft.html", "draft", agreement=agreement, form=form, status=status,
                  preview={language: to_html(getattr(agreement, f"body_{language}")) for language in ("th", "en")},
                  problems=drafts.problems(agreement), confirm_form=ConfirmForm())


@bp.route("/<int:agreement_id>/draft", methods=["GET", "POST"])
@login_required
def draft(agreement_id):
    """Write the draft (its authors only), with a preview of the text as it will read."""
    agreement = _agreement(agreement_id, edit=True)
    if not agreement.drafting:
        return redirect(url_for("agreements.show", agreement_id=agreement.id), 303)
    if request.method == "GET":
        return _draft_page(agreement, _draft_form(agreement))
    form = _draft_form(agreement, request.form)
    if not form.validate_on_submit():
        return _draft_page(agreement, form, status=422)
    drafts.save_draft(agreement, form.values(), form.partners.data, by=current_user)
    db.session.commit()
    flash(_("The draft has been saved."), "success")
    return _draft_page(agreement, _draft_form(agreement)) if request.headers.get("HX-Request") else \
        see_other(url_for("agreements.draft", agreement_id=agreement.id))


@bp.route("/<int:agreement_id>/publish", methods=["GET", "POST"])
@login_required
def publish(agreement_id):
    """Publishing freezes the text for good: the page says what it will do and asks first."""
    agreement = _agreement(agreement_id, edit=True)
    if not agreement.drafting:
        return redirect(url_for("agreements.show", agreement_id=agreement.id), 303)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            version = drafts.publish(agreement, by=current_user)
        except drafts.AgreementError as error:
            flash(str(error), "error")
            return redirect(url_for("agreements.draft", agreement_id=agreement.id), 303)
        db.session.commit()
        flash(_("Version %(number)d is published: the parties have been asked to sign.", number=version.number),
              "success")
        return redirect(url_for("agreements.show", agreement_id=agreement.id), 303)
    return render("agreements/publish.html", agreement=agreement, form=form, problems=drafts.problems(agreement),
                  number=len(agreement.versions) + 1)


@bp.post("/<int:agreement_id>/amend")
@login_required
def amend(agreement_id):
    """Open a draft of the next version (its authors only), starting from the current text."""
    agreement = _agreement(agreement_id, edit=True)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    drafts.amend(agreement, by=current_user)
    db.session.commit()
    return see_other(url_for("agreements.draft", agreement_id=agreement.id))


# Reading

@bp.get("/<int:agreement_id>")
@login_required
def show(agreement_id):
    """The agreement: its latest version's text and status, its earlier versions, and its draft for its authors."""
    agreement = _agreement(agreement_id)
    if not agreement.versions:
        return redirect(url_for("agreements.draft", agreement_id=agreement.id), 303)
    return _version_page(agreement, agreement.versions[-1])


@bp.get("/<int:agreement_id>/versions/<int:number>")
@login_required
def version(agreement_id, number):
    """One version: its text, frozen, and who has signed it (and who for them)."""
    return _version_page(*_version(agreement_id, number))


def _version_page(agreement, version):
    return render("agreements/version.html", agreement=agreement, version=version,
                  status_=signing.status(version), signs_for=access.signs_for(current_user, version),
                  may_edit=access.may_edit(current_user, agreement), certificate=certificates.of_version(version),
                  text=to_html(version.body_in(page_language())), confirm_form=ConfirmForm())


# Signing and declining

def _answer_forms(version, signable, sign_form=None, decline_form=None):
    names = choices((o.id, o.name_in(page_language())) for o in signable)
    sign_form = sign_form or SignForm(formdata=None, text_sha256=version.text_sha256,
                                      typed_name=current_user.name)
    decline_form = decline_form or DeclineForm(formdata=None, text_sha256=version.text_sha256)
    sign_form.organisation.choices = decline_form.organisation.choices = names
    return sign_form, decline_form


def _sign_page(agreement, version, signable, status=200, **forms):
    sign_form, decline_form = _answer_forms(version, signable, **forms)
    return render("agreements/sign.html", agreement=agreement, version=version, signable=signable,
                  sign_form=sign_form, decline_form=decline_form, status_=signing.status(version),
                  text=to_html(version.body_in(page_language())),
                  consents={o.id: signing.consent_sentence(o, version) for o in signable}, status=status)


def _answering(agreement_id, number):
    agreement, version = _version(agreement_id, number)
    signable = access.signs_for(current_user, version)
    if not signable:
        abort(403)
    return agreement, version, signable


@bp.route("/<int:agreement_id>/versions/<int:number>/sign", methods=["GET", "POST"])
@fresh_login_required
def sign(agreement_id, number):
    """The signing page (authorised signatories of a party): the full text, then name, position, the consent
    sentence and the password; a POST signs."""
    agreement, version, signable = _answering(agreement_id, number)
    if request.method == "GET":
        signing.record_view(version, current_user, signable[0])
        db.session.commit()
        return _sign_page(agreement, version, signable)
    form = SignForm()
    _answer_forms(version, signable, sign_form=form)
    if not _confirmed(form):
        return refusal(_sign_page(agreement, version, signable, status=422, sign_form=form))
    organisation = next(o for o in signable if o.id == form.organisation.data)
    return _answer(agreement, version, signable, organisation, Answer.SIGNED, form,
                   typed_name=form.typed_name.data, typed_position=form.typed_position.data,
                   consent_text=signing.consent_sentence(organisation, version))


@bp.post("/<int:agreement_id>/versions/<int:number>/decline")
@fresh_login_required
def decline(agreement_id, number):
    """Decline a version for one's organisation, with a reason every party reads."""
    agreement, version, signable = _answering(agreement_id, number)
    form = DeclineForm()
    _answer_forms(version, signable, decline_form=form)
    if not _confirmed(form):
        return refusal(_sign_page(agreement, version, signable, status=422, decline_form=form))
    organisation = next(o for o in signable if o.id == form.organisation.data)
    return _answer(agreement, version, signable, organisation, Answer.DECLINED, form, reason=form.reason.data)


def _confirmed(form):
    """The form is valid and the password right (the password is the signature's confirmation)."""
    return form.validate_on_submit() and password_confirmed(current_user, form.password)


def _answer(agreement, version, signable, organisation, kind, form, **values):
    try:
        signing.answer(version, organisation, current_user, kind, language=page_language(),
                       shown_sha256=form.text_sha256.data or "", ip=request.remote_addr or "",
                       user_agent=request.user_agent.string, **values)
    except signing.SigningError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("agreements.version", agreement_id=agreement.id, number=version.number), 303)
    db.session.commit()
    flash(_("%(organisation)s has signed.", organisation=organisation.name_in(page_language())) if kind == Answer.SIGNED
          else _("%(organisation)s has declined.", organisation=organisation.name_in(page_language())), "success")
    return redirect(url_for("agreements.version", agreement_id=agreement.id, number=version.number), 303)


# Certificates and the record

@bp.get("/<int:agreement_id>/versions/<int:number>/certificate")
@login_required
def certificate(agreement_id, number):
    """The certificate of a version every party has signed."""
    agreement, version = _version(agreement_id, number)
    issued = certificates.of_version(version) or abort(404)
    return render("agreements/certificate.html", agreement=agreement, version=version, certificate=issued,
                  data=certificates.data(issued, page_language()))


@bp.get("/<int:agreement_id>/versions/<int:number>/certificate.pdf")
@login_required
def certificate_pdf(agreement_id, number):
    """The certificate as a sealed PDF, in the reader's language (made on its first download, then kept)."""
    _, version = _version(agreement_id, number)
    issued = certificates.of_version(version) or abort(404)
    content = certificates.pdf(issued, page_language())  # made and kept (committed) on the first download
    response = make_response(content)
    response.headers["Content-Type"] = "application/pdf"
    response.headers.set("Content-Disposition", "attachment", filename=f"{issued.number}.pdf")
    return response


@bp.get("/<int:agreement_id>/versions/<int:number>/text.pdf")
@login_required
def text_pdf(agreement_id, number):
    """A version's text as a PDF in the reader's language, to read (or print) before signing."""
    _, version = _version(agreement_id, number)
    content = certificates.text_pdf(version, [p.organisation for p in signing.status(version).parties], page_language())
    response = make_response(content)
    response.headers["Content-Type"] = "application/pdf"
    response.headers.set("Content-Disposition", "attachment",
                         filename=f"agreement-{agreement_id}-version-{number}-{page_language()}.pdf")
    return response


@bp.get("/<int:agreement_id>/record.csv")
@login_required
def record_csv(agreement_id):
    """The agreement's signing record as CSV: every event with its hash and the hash before it."""
    agreement = _agreement(agreement_id)
    events = db.session.scalars(db.select(AgreementEvent).where(AgreementEvent.agreement_id == agreement.id)
                                .order_by(AgreementEvent.id)).all()
    numbers = {v.id: v.number for v in agreement.versions}
    return csv_download(
        ["id", "time (UTC)", "event", "version", "organisation", "person", "ip", "details", "previous hash", "hash"],
        ([event.id, event.created_at.isoformat(), event.kind.value, numbers.get(event.version_id, ""),
          event.organisation.slug if event.organisation else "", event.actor.email if event.actor else "", event.ip,
          "; ".join(f"{k}={v}" for k, v in sorted((event.details or {}).items())), event.previous_hash, event.hash]
         for event in events),
        f"agreement-{agreement.id}-record.csv")


# The public verify page

@verify_bp.route("/verify", methods=["GET", "POST"])
def verify():
    """Anyone checks a certificate: its number (from the page or a link), or the PDF itself."""
    form = VerifyForm(formdata=None, number=request.args.get("number", "")) if request.method == "GET" else \
        VerifyForm()
    verdict = None
    if request.method == "GET" and form.number.data:
        verdict = certificates.verify_number(form.number.data)
    elif request.method == "POST" and form.validate_on_submit():
        upload = form.pdf.data
        if upload and getattr(upload, "filename", ""):
            verdict = certificates.verify_pdf(upload.stream.read(certificates.MAX_PDF_BYTES + 1))
        else:
            verdict = certificates.verify_number(form.number.data)
    return render("agreements/verify.html", form=form, verdict=verdict,
                  status=422 if form.errors else 200)
