"""Organisation profiles (edited section by section), colleagues, the member directory and its CSV export."""

import csv
import io
from functools import wraps

from flask import Blueprint, abort, current_app, flash, make_response, redirect, request, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.auth.access import can_administer, coordinator_required
from portal.extensions import db, limiter, login_manager
from portal.htmx import is_htmx, render, see_other
from portal.members import REGION_NAMES, SECTOR_NAMES, organisations
from portal.members.forms import AboutForm, ChannelsForm, ColleagueForm, ContactForm, ExpertiseForm, LogoForm, \
    StatusForm, VisibilityForm
from portal.members.logos import LogoError, delete_logo, logo_folder, save_logo
from portal.members.models import Membership, OrgStatus, Region, Sector
from portal.urls import enum_arg, page_arg

bp = Blueprint("organisations", __name__)

SECTIONS = {"about": AboutForm, "contact": ContactForm, "channels": ChannelsForm, "expertise": ExpertiseForm,
            "visibility": VisibilityForm}


def member_required(view):
    """Let in coordinators and people of an active organisation; tell people of a suspended one why not."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not (current_user.is_admin or organisations.is_active_member(current_user)):
            return _closed()
        return view(*args, **kwargs)

    return wrapped


def _closed():
    """The answer to a logged-in person without an active organisation: why member pages are closed to them."""
    return render("members/closed.html", suspended=organisations.suspended_organisations_of(current_user), status=403)


@bp.get("/directory")
@member_required
def directory():
    """The member directory: live search, region and sector filters, pages; the URL keeps the search."""
    text = request.args.get("q", "").strip()[:100]
    region, sector = enum_arg(Region, "region"), enum_arg(Sector, "sector")
    page = page_arg()
    rows, total = organisations.directory(text, region, sector, page)
    return render("members/directory.html", "results", organisations=rows, total=total, page=page,
                  relation=organisations.directory_relation(current_user),
                  pages=max(1, -(-total // organisations.DIRECTORY_PAGE_SIZE)),
                  filters={"q": text, "region": region or "", "sector": sector or ""})


@bp.get("/directory.csv")
@coordinator_required
def directory_csv():
    """The directory as CSV, UTF-8 with a byte-order mark so that Excel shows Thai."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_("Organisation name in Thai"), _("Organisation name in English"), _("Sector"), _("Region"),
                     _("Province"), _("Website"), _("Public email"), _("Phone"), _("Areas of expertise")])
    for o in organisations.directory_export():
        writer.writerow([_safe_cell(v) for v in (
            o.name_th, o.name_en, str(SECTOR_NAMES[o.sector.value]), str(REGION_NAMES[o.region.value]),
            o.province, o.website, o.public_email, o.phone, ", ".join(o.expertise or []))])
    response = make_response(out.getvalue())
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = "attachment; filename=pr-network-directory.csv"
    return response


def _safe_cell(value):
    # A cell starting with = + - @ is a formula to Excel: written as text, it cannot run.
    value = value or ""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@bp.get("/organisations")
def public_list():
    """The public list of member organisations that chose to be listed, with their public fields only."""
    text = request.args.get("q", "").strip()[:100]
    page = page_arg()
    rows, total = organisations.directory(text, page=page, listed_only=True)
    return render("members/public_list.html", "results", organisations=rows, total=total, page=page, relation="public",
                  pages=max(1, -(-total // organisations.DIRECTORY_PAGE_SIZE)), filters={"q": text})


def _page(organisation, relation, editing=None, form=None, block=None, status=200, **extra):
    return render("members/profile.html", block, organisation=organisation, relation=relation, editing=editing,
                  form=form, can_edit=can_administer(current_user, organisation), status=status, **extra)


@bp.get("/organisations/<slug>")
def profile(slug):
    """An organisation's profile, each group of fields shown only to those its visibility allows."""
    organisation = organisations.profile(slug)
    coordinator = current_user.is_authenticated and current_user.is_admin
    shown = organisation is not None and (organisation.status == OrgStatus.ACTIVE or coordinator)
    if not current_user.is_authenticated and not (shown and organisation.listed_publicly):
        # Visitors are asked to log in for any profile not on the public list, whether or not it exists: the answer
        # tells nobody which unlisted organisations are members.
        return login_manager.unauthorized()
    if not shown:
        abort(404)
    relation = organisations.relation_to(current_user, organisation)
    if relation == "public" and not organisation.listed_publicly:
        return _closed()
    return _page(organisation, relation, status_form=StatusForm(), logo_form=LogoForm())


def _editable(slug):
    organisation = organisations.profile(slug)
    if organisation is None:
        abort(404)
    if not can_administer(current_user, organisation):
        if organisation.status != OrgStatus.ACTIVE:  # closed, as its profile is: its own people are told why
            abort(_closed() if organisations.relation_to(current_user, organisation) == "own" else 404)
        abort(403)
    return organisation


def _section_form(section, organisation, formdata=None):
    form_class = SECTIONS.get(section) or abort(404)
    if section == "expertise":
        return form_class(formdata=formdata, tags=", ".join(organisation.expertise or []))
    if section == "channels":
        return form_class(formdata=formdata, data={"channels": organisation.channels or []})
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
    return _page(organisation, "own", editing=section, form=_section_form(section, organisation),
                 block=f"section_{section}", status_form=StatusForm(), logo_form=LogoForm())


@bp.get("/organisations/<slug>/<section>")
@login_required
def show_section(slug, section):
    """A section of the profile as shown (htmx: cancel an edit)."""
    organisation = _editable(slug)
    if section not in SECTIONS:
        abort(404)
    return _page(organisation, "own", block=f"section_{section}", status_form=StatusForm(), logo_form=LogoForm())


@bp.post("/organisations/<slug>/<section>")
@login_required
def save_section(slug, section):
    """Save a section; errors come back in the section's form, success as the section shown (htmx) or a redirect."""
    organisation = _editable(slug)
    form = _section_form(section, organisation, formdata=request.form)
    if not form.validate_on_submit():
        return _page(organisation, "own", editing=section, form=form, block=f"section_{section}", status=422,
                     status_form=StatusForm(), logo_form=LogoForm())
    organisations.update_profile(organisation, section, form.values(), by=current_user)
    db.session.commit()
    if is_htmx():
        return _page(organisation, "own", block=f"section_{section}", saved=section, status_form=StatusForm(),
                     logo_form=LogoForm())
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
    error = None
    if form.validate_on_submit():
        try:
            name = save_logo(form.logo.data.stream)
        except LogoError as refusal:
            error = str(refusal)
        else:
            old = organisation.logo
            organisations.update_profile(organisation, "logo", {"logo": name}, by=current_user)
            db.session.commit()
            delete_logo(old)
            flash(_("Saved."), "success")
            return see_other(url_for("organisations.profile", slug=organisation.slug))
    else:
        error = " ".join(map(str, form.logo.errors)) or _("Upload a PNG, JPEG or WebP image.")
    return _page(organisation, "own", block="section_logo", logo_error=error, status=422, status_form=StatusForm(),
                 logo_form=form)


@bp.get("/logos/<name>")
def logo(name):
    """Serve a stored logo (generated names only)."""
    if not (name.endswith(".png") and len(name) == 36 and name[:32].isalnum()):
        abort(404)
    response = send_from_directory(logo_folder(), name, mimetype="image/png", max_age=86400)
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    return response


@bp.post("/organisations/<slug>/people/<int:membership_id>")
@login_required
def update_colleague(slug, membership_id):
    """Change a colleague's role, position or signing authority."""
    organisation, membership = _colleague(slug, membership_id)
    form = ColleagueForm()
    if form.validate_on_submit():
        try:
            organisations.update_colleague(membership, form.role.data, form.position.data or "",
                                           form.is_signatory.data, by=current_user)
        except organisations.ProfileError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Saved."), "success")
    else:
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
    return see_other(url_for("organisations.profile", slug=slug) + "#people")


@bp.post("/organisations/<slug>/people/<int:membership_id>/remove")
@login_required
def remove_colleague(slug, membership_id):
    """Take a colleague out of the organisation."""
    organisation, membership = _colleague(slug, membership_id)
    if not StatusForm().validate_on_submit():
        abort(400)
    try:
        organisations.remove_colleague(membership, by=current_user)
    except organisations.ProfileError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("The person has been removed from the organisation."), "success")
    return see_other(url_for("organisations.profile", slug=slug) + "#people")


def _colleague(slug, membership_id):
    organisation = _editable(slug)
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.organisation_id != organisation.id:
        abort(404)
    return organisation, membership


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
    organisation = organisations.profile(slug) or abort(404)
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        organisations.set_status(organisation, status, form.reason.data or "", by=current_user)
    except organisations.ProfileError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("Saved."), "success")
    return see_other(url_for("organisations.profile", slug=slug))
