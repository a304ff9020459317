"""Organisation profiles (edited section by section), logos, colleagues and status; the member directory, the
public list and the directory's CSV export."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.auth.access import coordinator_required
from portal.extensions import db, limiter
from portal.forms import ConfirmForm
from portal.htmx import is_htmx, render, see_other
from portal.i18n import page_language
from portal.organisations import directory as directory_service
from portal.organisations import people, profiles
from portal.organisations.access import (
    Refused,
    can_administer,
    directory_relation,
    editing,
    viewing,
)
from portal.organisations.forms import (
    AboutForm,
    ChannelsForm,
    ColleagueForm,
    ContactForm,
    ExpertiseForm,
    LogoForm,
    StatusForm,
    VisibilityForm,
)
from portal.organisations.guards import answer, member_required
from portal.organisations.logos import LogoError, logo_folder
from portal.organisations.models import Membership, OrgStatus, Region, Sector
from portal.organisations.notices import leave_notice, notice
from portal.urls import enum_arg, page_arg

bp = Blueprint("organisations", __name__)

SECTIONS = {"about": AboutForm, "contact": ContactForm, "channels": ChannelsForm, "expertise": ExpertiseForm,
            "visibility": VisibilityForm}


# The directory and the public list

@bp.get("/directory")
@member_required
def directory():
    """The member directory: live search, region and sector filters, pages; the URL keeps the search."""
    text = request.args.get("q", "").strip()[:100]
    region, sector = enum_arg(Region, "region"), enum_arg(Sector, "sector")
    found = directory_service.search(text, region, sector, page_arg(), language=page_language())
    return render("organisations/directory.html", "results", organisations=found,
                  relation=directory_relation(current_user),
                  filters={"q": text, "region": region or "", "sector": sector or ""})


@bp.get("/directory.csv")
@coordinator_required
def directory_csv():
    """The directory as CSV, for coordinators."""
    response = make_response(directory_service.export_csv([
        _("Organisation name in Thai"), _("Organisation name in English"), _("Sector"), _("Region"), _("Province"),
        _("Website"), _("Public email"), _("Phone"), _("Areas of expertise")]))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = "attachment; filename=pr-network-directory.csv"
    return response


@bp.get("/organisations")
def public_list():
    """The public list of member organisations that chose to be listed, with their public fields only."""
    text = request.args.get("q", "").strip()[:100]
    found = directory_service.search(text, page=page_arg(), listed_only=True, language=page_language())
    return render("organisations/public_list.html", "results", organisations=found, relation="public",
                  filters={"q": text})


# Profiles

def _page(organisation, relation, editing_section=None, form=None, block=None, status=200, **extra):
    extra.setdefault("status_form", StatusForm())
    extra.setdefault("logo_form", LogoForm())
    return render("organisations/profile.html", block, organisation=organisation, relation=relation,
                  editing=editing_section, form=form, can_edit=can_administer(current_user, organisation),
                  status=status, **extra)


@bp.get("/organisations/<slug>")
def profile(slug):
    """An organisation's profile, each group of fields shown only to those its visibility allows."""
    organisation = profiles.profile(slug)
    try:
        relation = viewing(current_user, organisation)
    except Refused as refused:
        return answer(refused)
    return _page(organisation, relation)


def _editable(slug):
    organisation = profiles.profile(slug)
    try:
        editing(current_user, organisation)
    except Refused as refused:
        abort(answer(refused))
    return organisation


def _section_form(section, organisation, formdata=None):
    form_class = SECTIONS.get(section) or abort(404)
    if section == "expertise":
        return form_class(formdata=formdata, tags=", ".join(organisation.expertise or []))
    if section == "channels":  # the filled rows and one empty row
        return form_class(formdata=formdata, data={"channels": [*(organisation.channels or []), {"kind": "", "url": ""}]})
    if section == "visibility":
        data = {g: organisation.visibility_of(g) for g in ("about", "contact", "channels", "expertise", "people")}
        return form_class(formdata=formdata, data={**data, "listed_publicly": organisation.listed_publicly})
    return form_class(formdata=formdata, obj=organisation,
                      **({"sector": organisation.sector.value, "region": organisation.region.value}
                         if section == "about" else {}))


@bp.get("/organisations/<slug>/<section>/edit")
@login_required
def edit_section(slug, section):
    """A section of the profile as its form: the fragment for htmx, the page with that section open otherwise."""
    organisation = _editable(slug)
    return _page(organisation, "own", section, _section_form(section, organisation), block=f"section_{section}")


@bp.get("/organisations/<slug>/<section>")
@login_required
def show_section(slug, section):
    """A section of the profile as shown (htmx: cancel an edit)."""
    organisation = _editable(slug)
    if section not in SECTIONS:
        abort(404)
    return _page(organisation, "own", block=f"section_{section}")


@bp.post("/organisations/<slug>/<section>")
@login_required
def save_section(slug, section):
    """Save a section; errors come back in the section's form, success as the section shown (htmx) or a redirect."""
    organisation = _editable(slug)
    form = _section_form(section, organisation, formdata=request.form)
    if section == "channels" and "more" in request.form:  # "Add a row": the form again, one empty row longer
        if len(form.channels) < form.channels.max_entries:
            form.channels.append_entry()
        return _page(organisation, "own", section, form, block=f"section_{section}")
    if not form.validate_on_submit():
        return _page(organisation, "own", section, form, block=f"section_{section}", status=422)
    profiles.update_profile(organisation, section, form.values(), by=current_user)
    db.session.commit()
    if is_htmx():
        return _page(organisation, "own", block=f"section_{section}", saved=section)
    flash(_("Saved."), "success")
    return redirect(url_for("organisations.profile", slug=organisation.slug), 303)


@bp.post("/organisations/<slug>/logo")
@login_required
@limiter.limit(lambda: current_app.config["LOGO_RATE_LIMIT"], key_func=lambda: f"user:{current_user.id}",
               scope="logo-upload")
def upload_logo(slug):
    """Replace the logo with an uploaded image, checked and re-encoded."""
    organisation = _editable(slug)
    form = LogoForm()
    if form.validate_on_submit():
        try:
            profiles.replace_logo(organisation, form.logo.data.stream, by=current_user)
        except LogoError as refusal:
            error = str(refusal)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return see_other(url_for("organisations.profile", slug=organisation.slug))
    else:
        error = " ".join(map(str, form.logo.errors)) or _("Upload a PNG, JPEG or WebP image.")
    return _page(organisation, "own", block="section_logo", logo_error=error, status=422, logo_form=form)


@bp.post("/organisations/<slug>/logo/remove")
@login_required
def remove_logo(slug):
    """Take the logo off the profile (asked first on the page): the monogram shows instead."""
    organisation = _editable(slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if profiles.remove_logo(organisation, by=current_user):
        db.session.commit()
        flash(_("The logo has been removed."), "success")
    return see_other(url_for("organisations.profile", slug=organisation.slug))


@bp.get("/logos/<name>")
def logo(name):
    """Serve a stored logo (generated names only)."""
    if not (name.endswith(".png") and len(name) == 36 and name[:32].isalnum()):
        abort(404)
    response = send_from_directory(logo_folder(), name, mimetype="image/png", max_age=86400)
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    return response


# Colleagues

def _colleague(slug, membership_id):
    organisation = _editable(slug)
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.organisation_id != organisation.id:
        abort(404)
    return organisation, membership


def _colleague_row(organisation, membership, status=200, **context):
    """A colleague's row alone (htmx), with what was done or refused said in it."""
    return render("organisations/_colleague.html", status=status, organisation=organisation, membership=membership,
                  can_edit=True, **context)


def _back_to_colleague(organisation, membership, said, status):
    """After a change to a colleague: the row with the notice (htmx), else the page on the row's anchor."""
    if is_htmx():
        return _colleague_row(organisation, membership, status=status, notice=said)
    leave_notice(said)
    return see_other(url_for("organisations.profile", slug=organisation.slug, _anchor=said["target"]))


@bp.get("/organisations/<slug>/people/<int:membership_id>/row")
@login_required
def colleague(slug, membership_id):
    """A colleague's row as shown (htmx: cancel a removal); the profile otherwise."""
    organisation, membership = _colleague(slug, membership_id)
    if is_htmx():
        return _colleague_row(organisation, membership, cancelled=True)
    return _page(organisation, "own")


@bp.get("/organisations/<slug>/people/<int:membership_id>/confirm-removal")
@login_required
def confirm_remove_colleague(slug, membership_id):
    """Ask before taking a colleague out: the row asks (htmx), or the profile with that row asking."""
    organisation, membership = _colleague(slug, membership_id)
    if is_htmx():
        return _colleague_row(organisation, membership, confirming=membership.id)
    return _page(organisation, "own", confirming=membership.id)


@bp.post("/organisations/<slug>/people/<int:membership_id>")
@login_required
def update_colleague(slug, membership_id):
    """Change a colleague's role, position or signing authority; the answer is said in the colleague's row."""
    organisation, membership = _colleague(slug, membership_id)
    form = ColleagueForm()
    if not form.validate_on_submit():  # the row comes back as typed, with the reason
        if is_htmx():
            return _colleague_row(organisation, membership, status=422, forms={membership.id: form})
        return _page(organisation, "own", status=422, forms={membership.id: form})
    target = f"colleague-{membership.id}"
    try:
        people.update_colleague(membership, form.role.data, form.position.data or "", form.is_signatory.data,
                                by=current_user)
    except profiles.ProfileError as error:
        db.session.rollback()
        return _refused(organisation, membership_id, error)
    db.session.commit()
    return _back_to_colleague(organisation, membership, notice(target, _("Saved.")), 200)


def _refused(organisation, membership_id, error):
    """A refused change to a colleague, said in their row; in the people section if they are gone meanwhile."""
    if not can_administer(current_user, organisation):  # the table is no longer theirs to change: say it on top
        flash(str(error), "error")
        return see_other(url_for("organisations.profile", slug=organisation.slug))
    membership = db.session.get(Membership, membership_id)
    if membership is None:
        said = notice("people", error, "error")
        if is_htmx():
            return render("organisations/_colleague_removed.html", status=409, organisation=organisation,
                          removed=membership_id, notice=said)
        leave_notice(said)
        return see_other(url_for("organisations.profile", slug=organisation.slug, _anchor="people"))
    return _back_to_colleague(organisation, membership, notice(f"colleague-{membership.id}", error, "error"), 409)


@bp.post("/organisations/<slug>/people/<int:membership_id>/remove")
@login_required
def remove_colleague(slug, membership_id):
    """Take a colleague out of the organisation (confirmed on the page before); said where their row was."""
    organisation, membership = _colleague(slug, membership_id)
    if not StatusForm().validate_on_submit():
        abort(400)
    name = membership.user.name or membership.user.email
    try:
        people.remove_colleague(membership, by=current_user)
    except profiles.ProfileError as error:
        db.session.rollback()
        return _refused(organisation, membership_id, error)
    db.session.commit()
    said = notice("people", _("%(name)s is no longer in the organisation.", name=name))
    if is_htmx():
        return render("organisations/_colleague_removed.html", organisation=organisation, removed=membership_id,
                      notice=said)
    leave_notice(said)
    return see_other(url_for("organisations.profile", slug=slug, _anchor="people"))


# Status (coordinators)

@bp.post("/organisations/<slug>/suspend")
@coordinator_required
def suspend(slug):
    """Suspend an organisation, with a reason its admins are mailed."""
    return _set_status(slug, OrgStatus.SUSPENDED)


@bp.post("/organisations/<slug>/reactivate")
@coordinator_required
def reactivate(slug):
    """Let a suspended organisation use the portal again."""
    return _set_status(slug, OrgStatus.ACTIVE)


def _set_status(slug, status):
    organisation = profiles.profile(slug) or abort(404)
    form = StatusForm()
    if not form.validate_on_submit():  # e.g. a reason too long: said by the field, the reason kept
        return _page(organisation, viewing(current_user, organisation), status_form=form, status=422)
    try:
        profiles.set_status(organisation, status, form.reason.data or "", by=current_user)
    except profiles.ProfileError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("Saved."), "success")
    return see_other(url_for("organisations.profile", slug=slug))
