"""Member organisations: their profiles, logos and people (memberships), the invitations that bring people in, the
member directory and the public list."""

from flask import url_for
from flask_babel import lazy_gettext as _l
from jinja2 import pass_context

from portal.audit import Action
from portal.i18n import page_language
from portal.provinces import province_name

AUDIT_ACTIONS = {
    "organisation.updated": Action(_l("Organisation profile changed"),
                                   _l("%(actor)s changed “%(section)s” in the profile of %(target)s"), "organisations"),
    "organisation.colleague_updated": Action(_l("Colleague's role changed"),
                                             _l("%(actor)s set the role of %(person)s at %(target)s to %(role)s"),
                                             "organisations"),
    "organisation.colleague_removed": Action(_l("Colleague removed"), _l("%(actor)s removed %(person)s from %(target)s"),
                                             "organisations"),
    "organisation.suspended": Action(_l("Organisation suspended"), _l("%(actor)s suspended %(target)s: %(reason)s"),
                                     "organisations"),
    "organisation.reactivated": Action(_l("Organisation reactivated"), _l("%(actor)s reactivated %(target)s"),
                                       "organisations"),
    "organisation.invitation_sent": Action(_l("Invitation sent"),
                                           _l("%(actor)s invited %(email)s to join %(organisation)s as %(role)s"),
                                           "organisations"),
    "organisation.invitation_resent": Action(_l("Invitation resent"),
                                             _l("%(actor)s sent the invitation of %(email)s to %(organisation)s again"),
                                             "organisations"),
    "organisation.invitation_revoked": Action(_l("Invitation revoked"),
                                              _l("%(actor)s revoked the invitation of %(email)s to %(organisation)s"),
                                              "organisations"),
    "organisation.invitation_accepted": Action(_l("Invitation accepted"),
                                               _l("%(actor)s accepted the invitation to join %(organisation)s"),
                                               "organisations"),
}


def _members(user):
    return user.is_authenticated


def _my_organisations(user):
    """One link to the person's organisation, or one per organisation when they belong to several; and for an
    organisation's admins, the invitations of colleagues."""
    from portal.organisations.access import may_manage_invitations

    memberships = user.memberships
    language = page_language()
    links = [(m.organisation.name_in(language), url_for("organisations.profile", slug=m.organisation.slug))
             for m in memberships]
    if not user.is_admin and may_manage_invitations(user):  # coordinators find invitations among their tools
        links.append((_l("Invitations"), url_for("invitations.index")))
    if len(links) == 1:
        links = [(_l("My organisation"), links[0][1])]
    return links


@pass_context
def _province(context, value):
    """A stored province in the page's language (a value typed by hand before the list: as typed)."""
    return province_name(value, context.get("current_language") or page_language())


def _revoke_invitations(user, by):
    """When a person loses rights, the invitations that stood on them fall (in the same transaction)."""
    from portal.organisations.invitations import revoke_beyond_rights

    revoke_beyond_rights(user, by)


def init_app(app):
    """Register organisations: their pages, the invitation link's purpose, audit and template labels, what the user
    loader reads with each person, the navigation entries, and what follows when a person loses rights."""
    from sqlalchemy.orm import configure_mappers, joinedload

    from portal import audit, navigation, tokens
    from portal.auth import loader
    from portal.auth.models import User
    from portal.auth.signals import rights_lost
    from portal.i18n import Labels, register_labels
    from portal.organisations.invitation_views import bp as invitations_bp
    from portal.organisations.models import (
        EXPERTISE_SUGGESTIONS,
        IN_ACTIVE_ORGANISATION,
        Channel,
        InvitationState,
        Membership,
        Organisation,
        OrgStatus,
        Region,
        Role,
        Section,
        Sector,
        Visibility,
    )
    from portal.organisations.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(invitations_bp)
    tokens.register_purposes(app, "invitation")
    audit.register_actions(app, AUDIT_ACTIONS, values={"role": Role.labels(), "section": Section.labels()})
    from portal.mail import kinds as mail_kinds
    mail_kinds.register(
        app,
        mail_kinds.MailKind("invitations", _l("Invitations to join an organisation"), essential=True),
        mail_kinds.MailKind("membership", _l("Your organisation: changes by coordinators, suspension"),
                            essential=False))
    register_labels(app, {name: Labels(enum.labels()) for name, enum in (
        ("role_names", Role), ("sector_names", Sector), ("region_names", Region), ("channel_names", Channel),
        ("visibility_names", Visibility), ("organisation_states", OrgStatus), ("invitation_states", InvitationState),
        ("section_names", Section))})
    app.jinja_env.globals["expertise_suggestions"] = EXPERTISE_SUGGESTIONS
    from portal.organisations.notices import notice_for

    app.jinja_env.globals["notice_for"] = notice_for
    app.jinja_env.filters["province"] = _province
    # A full page's navigation lists the person's organisations; every request asks whether they belong to an
    # active one. Both come with the person, in the loader's one query. (User.memberships is Membership's backref,
    # there once the mappers are configured.)
    configure_mappers()
    loader.load_on_pages(app, joinedload(User.memberships).joinedload(Membership.organisation).load_only(
        Organisation.slug, Organisation.name_th, Organisation.name_en, Organisation.status))
    loader.load_fact(app, "in_active_organisation", IN_ACTIVE_ORGANISATION)
    rights_lost.connect(_revoke_invitations, weak=False)
    navigation.add(
        app,
        navigation.NavItem(_l("Member organisations"), navigation.visitors, "organisations.public_list", order=10),
        navigation.NavItem(_l("Directory"), _members, "organisations.directory", order=10),
        navigation.NavItem(_l("My organisations"), _members, links=_my_organisations, order=20),
        navigation.NavItem(_l("Invitations"), navigation.coordinators, "invitations.index", group="tools", order=5),
    )
    from portal import dashboard
    from portal.organisations import dashboard as organisations_dashboard

    dashboard.register(app, "organisations", waiting=organisations_dashboard.waiting, items=organisations_dashboard.items,
                       order=50)
    from portal import glance
    from portal.organisations.glance import charts as glance_charts

    glance.register(app, "organisations", glance_charts, order=10)
