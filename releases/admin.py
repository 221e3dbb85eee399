"""Preparing releases in the admin: a release with its builds and changelog inlines,
and buttons for start-next, preview, schedule, back to draft, publish now and withdraw.

Only users with ``accounts.publish_releases`` (the Admin role) see any of it;
everyone else signed in gets 403. Every button asks first (a confirmation
page, GET) and then calls one process function (POST); the rules and their
messages live in the process modules, not here.

Times are shown and typed in the admin's own time zone (accounts.middleware
activates it); Beijing time is shown beside them, since Orange Friday is 17:00
there. Django refuses a time that does not exist or is ambiguous in the admin's
zone (daylight-saving changes) with a clear message.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.forms.models import BaseInlineFormSet
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy as _, ngettext

from canyu.text import clean_title
from canyu.timezones import current_zone_label
from releases import changelog, preparing, publishing
from releases.models import Build, ChangelogItem, FeatureArea, Product, ProductFollow, Release
from releases.preparing import ReleaseRefused
from releases.scheduling import SHANGHAI, default_version, next_free_orange_friday, next_orange_friday

User = get_user_model()
PUBLISH_PERMISSION = "accounts.publish_releases"
# The releases whose changelog items a new item may follow up (the latest published, all products).
FOLLOW_UP_RELEASES = 30
State = Release.State


def may_publish(user) -> bool:
    return user.is_active and user.has_perm(PUBLISH_PERMISSION)


def beijing_time(moment) -> str:
    return formats.date_format(moment.astimezone(SHANGHAI), "DATETIME_FORMAT") if moment else "—"


class PublishersOnly:
    """The releases admin belongs to those who may publish, whatever the model permissions say."""

    def has_module_permission(self, request):
        return may_publish(request.user)

    def has_view_permission(self, request, obj=None):
        return may_publish(request.user)

    def has_add_permission(self, request, *args):
        return may_publish(request.user)

    def has_change_permission(self, request, obj=None):
        return may_publish(request.user)

    def has_delete_permission(self, request, obj=None):
        return may_publish(request.user)


class LabelledColumns:
    """A tabular inline names its inputs only in its column headings, which assistive technology does
    not tie to each row's inputs: each input carries its column's name as its accessible name."""

    def get_formset(self, request, obj=None, **kwargs):
        class Labelled(super().get_formset(request, obj, **kwargs)):
            def add_fields(self, form, index):
                super().add_fields(form, index)  # the formset's own too: "Delete"
                for name, field in form.fields.items():
                    field.widget.attrs.setdefault("aria-label", str(field.label or name))

        return Labelled


class FeatureAreaInline(LabelledColumns, PublishersOnly, admin.TabularInline):
    model = FeatureArea
    extra = 1


@admin.register(Product)
class ProductAdmin(PublishersOnly, admin.ModelAdmin):
    list_display = ("name", "slug", "position", "follower_count")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [FeatureAreaInline]

    @admin.display(description=_("followers"))
    def follower_count(self, product):
        return ProductFollow.objects.filter(product=product).count()


@admin.register(FeatureArea)
class FeatureAreaAdmin(PublishersOnly, admin.ModelAdmin):
    list_display = ("name", "product")
    list_filter = ("product",)
    search_fields = ("name",)


# --- Inlines: changelog and builds ------------------------------------------


class EditableWhileUnpublished(PublishersOnly):
    """A published or withdrawn release is history: its inlines are shown read-only."""

    def _editable(self, request, obj):
        return may_publish(request.user) and (obj is None or obj.state in preparing.EDITABLE_STATES)

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj)


class KeepsOneWhileScheduled(BaseInlineFormSet):
    """A scheduled release keeps at least one row (it would not publish without)."""

    empty_message = ""

    def clean(self):
        super().clean()
        if self.instance.pk is None or self.instance.state != State.SCHEDULED:
            return
        kept = [
            form
            for form in self.forms
            if (form.instance.pk or form.has_changed())
            and not (getattr(form, "cleaned_data", None) or {}).get("DELETE")
        ]
        if not kept:
            raise forms.ValidationError(str(self.empty_message))


class ChangelogFormSet(KeepsOneWhileScheduled):
    empty_message = _("A scheduled release needs at least one changelog item; move it back to draft first.")


class BuildFormSet(KeepsOneWhileScheduled):
    empty_message = _("A scheduled release needs at least one build; move it back to draft first.")


class OwnersField(forms.ModelMultipleChoiceField):
    """Offers the engineers; looks up any user, so that a non-engineer is refused by name."""

    def __init__(self, **kwargs):
        super().__init__(queryset=User.objects.all(), widget=forms.CheckboxSelectMultiple, **kwargs)

    def clean(self, value):
        owners = super().clean(value)
        try:
            changelog.check_owners(owners)
        except ReleaseRefused as refusal:
            raise forms.ValidationError(str(refusal), code="not_engineer") from None
        return owners


class ChangelogItemForm(forms.ModelForm):
    owners = OwnersField(label=_("Engineers"), help_text=_("Users with the Engineer role."))

    class Meta:
        model = ChangelogItem
        fields = ["position", "kind", "title", "area", "owners", "description", "screenshot", "follows_up"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2, "cols": 40})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offered = list(changelog.engineers())
        if self.instance.pk:  # keep showing a former engineer, so the refusal names them
            offered += [user for user in self.instance.owners.all() if user not in offered]
        self.fields["owners"].choices = [
            (user.pk, user.shown_name if user.shown_name == user.username else f"{user.shown_name} (@{user.username})")
            for user in offered
        ]

    def clean_title(self):
        return clean_title(self.cleaned_data["title"], max_length=ChangelogItem._meta.get_field("title").max_length)

    def clean_follows_up(self):
        earlier = self.cleaned_data.get("follows_up")
        release = getattr(self.instance, "release", None)
        if earlier is None or release is None:
            return earlier
        if earlier.release.product_id != release.product_id or earlier.release_id == release.pk:
            raise forms.ValidationError(_("Choose an item of an earlier release of this product."), code="follows_up")
        return earlier

    def clean_screenshot(self):
        screenshot = self.cleaned_data.get("screenshot")
        if screenshot and "screenshot" in self.changed_data and hasattr(screenshot, "content_type"):  # a new upload
            try:
                return changelog.screenshot_file(screenshot)
            except ReleaseRefused as refusal:
                raise forms.ValidationError(str(refusal), code="screenshot") from None
        return screenshot

    def clean(self):
        cleaned = super().clean()
        release = getattr(self.instance, "release", None)  # set by the inline formset, saved or not
        area = cleaned.get("area")
        if release is not None and area is not None and release.product_id:
            try:
                changelog.check_area(release=release, area=area)
            except ReleaseRefused as refusal:
                self.add_error("area", str(refusal))
        return cleaned


class ChangelogItemInline(EditableWhileUnpublished, admin.StackedInline):
    model = ChangelogItem
    form = ChangelogItemForm
    formset = ChangelogFormSet
    extra = 1
    ordering = ["position", "id"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "follows_up":
            # The items of recently published releases, newest first (one list for every product: each
            # option says whose it is; the form refuses another product's).
            recent = Release.objects.published().order_by("-published_at").values("pk")[:FOLLOW_UP_RELEASES]
            kwargs["queryset"] = (
                ChangelogItem.objects.filter(release__in=recent)
                .select_related("release__product")
                .order_by("-release__published_at", "position", "id")
            )
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.label_from_instance = lambda item: (
                f"{item.release.product.name} {item.release.version} · {item.title}"
            )
            return field
        if db_field.name == "area":
            kwargs["queryset"] = FeatureArea.objects.select_related("product")
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            # Products share area names ("System" in every product): each option says whose it is.
            field.label_from_instance = lambda area: f"{area.product.name} · {area.name}"
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class BuildForm(forms.ModelForm):
    # A URL typed without a scheme becomes https://; ftp:// is refused by the model's validator.
    download_url = forms.URLField(label=_("download URL"), max_length=500, assume_scheme="https")

    class Meta:
        model = Build
        fields = ["device", "download_url", "size_bytes", "sha256"]

    def clean_download_url(self):
        return preparing.normalize_download_url(self.cleaned_data["download_url"])

    def clean_sha256(self):
        return self.cleaned_data["sha256"].strip().lower()


class BuildInline(LabelledColumns, EditableWhileUnpublished, admin.TabularInline):
    model = Build
    form = BuildForm
    formset = BuildFormSet

    def get_extra(self, request, obj=None, **kwargs):
        return len(blank_build_devices(obj)) or 1


def blank_build_devices(release) -> list[str]:
    """A release without builds yet offers a row per device of the previous release."""
    if release is None or release.pk is None or release.state not in preparing.EDITABLE_STATES:
        return []
    if release.builds.exists():
        return []
    return preparing.devices_for_next_release(release.product)


# --- The release ------------------------------------------------------------


class ReleaseForm(forms.ModelForm):
    class Meta:
        model = Release
        fields = [
            "product",
            "channel",
            "version",
            "title",
            "publish_at",
            "notes",
            "report_opens_at",
            "report_closes_at",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 12, "cols": 80})}
        help_texts = {
            "report_opens_at": _("Empty: when the release is published (it never opens earlier)."),
            "report_closes_at": _(
                "Empty: at the end of the Tuesday after publication, Beijing time. Reports are "
                "taken until this time, not at it. Both can be changed until the release is "
                "published."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "publish_at" in self.fields:
            friday = next_orange_friday(timezone.now())
            self.fields["publish_at"].help_text = gettext(
                "In your time zone, %(zone)s. The next Orange Friday, 17:00 Beijing time, is %(local)s for you."
            ) % {
                "zone": current_zone_label(),
                "local": formats.date_format(timezone.localtime(friday), "DATETIME_FORMAT"),
            }

    def clean_title(self):
        return clean_title(self.cleaned_data["title"], max_length=Release._meta.get_field("title").max_length)

    def clean_version(self):
        version = self.cleaned_data["version"].strip()
        product = self.cleaned_data.get("product")
        if product and preparing.version_taken(product=product, version=version, exclude_pk=self.instance.pk):
            raise forms.ValidationError(
                gettext("%(product)s already has a release %(version)s: choose another version.")
                % {"product": product.name, "version": version},
                code="duplicate",
            )
        return version

    def clean(self):
        cleaned = super().clean()
        closes = cleaned.get("report_closes_at")
        if closes and any(
            moment and closes <= moment for moment in (cleaned.get("publish_at"), cleaned.get("report_opens_at"))
        ):
            self.add_error(
                "report_closes_at",
                gettext("The four-cell report window must close after it opens and after the release is published."),
            )
        return cleaned

    def clean_publish_at(self):
        publish_at = self.cleaned_data["publish_at"]
        if self.instance.pk and self.instance.state == State.SCHEDULED and publish_at <= timezone.now():
            raise forms.ValidationError(gettext("A scheduled release needs a publish time in the future."), code="past")
        return publish_at


# The buttons: URL name, label, question, what the process function is.
ACTIONS = {
    "schedule": (_("Schedule"), _("Schedule %(release)s to publish on %(when)s Beijing time?")),
    "unschedule": (_("Back to draft"), _("Move %(release)s back to draft? It will not publish until scheduled again.")),
    "publish": (
        _("Publish now"),
        _(
            "Publish %(release)s now? It is announced in the forum at once and its "
            "%(followers)s followers are notified."
        ),
    ),
    "withdraw": (_("Withdraw"), _("Withdraw %(release)s? Fans will no longer see it; its announcement is unpinned.")),
}
AVAILABLE_IN = {
    "schedule": {State.DRAFT},
    "unschedule": {State.SCHEDULED},
    "publish": {State.DRAFT, State.SCHEDULED},
    "withdraw": {State.DRAFT, State.SCHEDULED, State.PUBLISHED},
}


@admin.register(Release)
class ReleaseAdmin(PublishersOnly, admin.ModelAdmin):
    form = ReleaseForm
    inlines = [ChangelogItemInline, BuildInline]
    list_display = (
        "__str__",
        "title",
        "channel",
        "state",
        "publish_at",
        "beijing_publish_at",
        "published_at",
        "announcement_link",
    )
    list_filter = ("product", "channel", "state")
    search_fields = ("version", "title")
    list_select_related = ("product", "announcement")
    readonly_fields = (
        "state",
        "beijing_publish_at",
        "published_at",
        "withdrawn_at",
        "notified_at",
        "announcement_link",
        "preview_link",
        "created_by",
    )
    fieldsets = (
        (None, {"fields": ("product", "channel", "version", "title", "publish_at", "beijing_publish_at", "notes")}),
        (_("Four-cell report"), {"fields": ("report_opens_at", "report_closes_at")}),
        (
            _("State"),
            {
                "fields": (
                    "state",
                    "preview_link",
                    "published_at",
                    "notified_at",
                    "announcement_link",
                    "withdrawn_at",
                    "created_by",
                )
            },
        ),
    )
    actions = ["schedule_selected", "withdraw_selected"]
    change_form_template = "admin/releases/release/change_form.html"
    change_list_template = "admin/releases/release/change_list.html"

    # A published or withdrawn release is history: shown, not changed.
    def has_change_permission(self, request, obj=None):
        return may_publish(request.user) and (obj is None or obj.state in preparing.EDITABLE_STATES)

    def has_delete_permission(self, request, obj=None):
        return may_publish(request.user) and (obj is None or obj.state in (State.DRAFT, State.WITHDRAWN))

    def has_publish_permission(self, request):
        return may_publish(request.user)

    @admin.display(description=_("Beijing time"))
    def beijing_publish_at(self, release):
        return beijing_time(release.publish_at)

    @admin.display(description=_("announcement"))
    def announcement_link(self, release):
        if not release.announcement_id:
            return "—"
        return format_html('<a href="{}">{}</a>', release.announcement.get_absolute_url(), release.announcement.title)

    @admin.display(description=_("preview"))
    def preview_link(self, release):
        url = fan_page_url(release)
        if not url:
            return "—"
        return format_html('<a href="{}">{}</a>', url, gettext("As fans will see it"))

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        product = Product.objects.filter(pk=initial.get("product")).first() if initial.get("product") else None
        if product is None and Product.objects.count() == 1:
            product = Product.objects.get()
            initial["product"] = product.pk
        # After an early publish: next Friday, not 17:00 today (releases.scheduling).
        publish_at = next_free_orange_friday(now=timezone.now(), product=product)
        initial.setdefault("publish_at", publish_at)
        initial.setdefault("version", default_version(publish_at=publish_at, product=product))
        return initial

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, BuildInline):
            devices = blank_build_devices(obj)
            if devices:
                kwargs["initial"] = [{"device": device} for device in devices]
        return kwargs

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        preparing.save_release_details(release=obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        if object_id and may_publish(request.user):
            release = Release.objects.filter(pk=object_id).first()
            if release:
                extra_context["release_buttons"] = [
                    (reverse(f"admin:releases_release_{name}", args=[release.pk]), label)
                    for name, (label, _question) in ACTIONS.items()
                    if release.state in AVAILABLE_IN[name]
                ]
                extra_context["preview_url"] = fan_page_url(release)
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ReleaseRefused as refusal:
            # Raised by save_release_details inside the admin's transaction,
            # which has rolled back: e.g. published by the tick meanwhile.
            self.message_user(request, str(refusal), messages.ERROR)
        except IntegrityError:
            self.message_user(
                request,
                gettext("Someone changed this release at the same time; nothing was saved. Check it and try again."),
                messages.ERROR,
            )
        return redirect(request.get_full_path())

    def changelist_view(self, request, extra_context=None):
        extra_context = dict(extra_context or {})
        if may_publish(request.user):
            extra_context["start_buttons"] = [
                (reverse("admin:releases_release_start", args=[product.pk]), product.name)
                for product in Product.objects.all()
            ]
        return super().changelist_view(request, extra_context)

    # --- Buttons ---------------------------------------------------------

    def get_urls(self):
        own = [
            path("start/<int:product_id>/", self._guard(self.start_view), name="releases_release_start"),
        ] + [
            path(
                f"<int:release_id>/{name}/",
                self._guard(self.action_view),
                {"action": name},
                name=f"releases_release_{name}",
            )
            for name in ACTIONS
        ]
        return own + super().get_urls()

    def _guard(self, view):
        """403 for anyone signed in who may not publish; the admin's own sign-in page for the others."""
        wrapped = self.admin_site.admin_view(view)

        def guarded(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("admin:login"))
            if not may_publish(request.user):
                raise PermissionDenied
            return wrapped(request, *args, **kwargs)

        return guarded

    def action_view(self, request, release_id, action):
        release = get_object_or_404(Release.objects.select_related("product"), pk=release_id)
        label, question = ACTIONS[action]
        change_url = reverse("admin:releases_release_change", args=[release.pk])
        if request.method == "POST":
            try:
                message = self._perform(action, release)
            except ReleaseRefused as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
            else:
                self.message_user(request, message, messages.SUCCESS)
            return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": release,
            "title": f"{label}: {release}",
            "question": question
            % {
                "release": release,
                "when": beijing_time(release.publish_at),
                "followers": ProductFollow.objects.filter(product_id=release.product_id).count(),
            },
            "button": label,
            "change_url": change_url,
            "summary": release_summary(release),
        }
        return TemplateResponse(request, "admin/releases/release/confirm_action.html", context)

    def _perform(self, action, release) -> str:
        if action == "schedule":
            release = preparing.schedule_release(release=release)
            return gettext("%(release)s is scheduled: it publishes on %(when)s Beijing time (%(local)s for you).") % {
                "release": release,
                "when": beijing_time(release.publish_at),
                "local": formats.date_format(timezone.localtime(release.publish_at), "DATETIME_FORMAT"),
            }
        if action == "unschedule":
            release = preparing.unschedule_release(release=release)
            return gettext("%(release)s is a draft again.") % {"release": release}
        if action == "publish":
            if not publishing.publish_release(release=release, immediately=True):
                raise ReleaseRefused(gettext("%(release)s was not published.") % {"release": release})
            return gettext("%(release)s is published and announced; its followers are being notified.") % {
                "release": release
            }
        if action == "withdraw":
            release = preparing.withdraw_release(release=release)
            return gettext("%(release)s is withdrawn.") % {"release": release}
        raise ValueError(action)

    def start_view(self, request, product_id):
        product = get_object_or_404(Product, pk=product_id)
        if request.method == "POST":
            try:
                release = preparing.start_from_previous(product=product, author=request.user)
            except ReleaseRefused as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
                return redirect("admin:releases_release_changelist")
            self.message_user(
                request,
                gettext("%(release)s is started as a draft: add this week's builds and changelog, then schedule it.")
                % {"release": release},
                messages.SUCCESS,
            )
            return redirect("admin:releases_release_change", release.pk)
        friday = next_free_orange_friday(now=timezone.now(), product=product)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Start the next release of %(product)s") % {"product": product.name},
            "question": gettext(
                "Start a draft of %(product)s %(version)s for %(when)s Beijing time, with a build row for "
                "each device of the previous release?"
            )
            % {
                "product": product.name,
                "version": default_version(publish_at=friday, product=product),
                "when": beijing_time(friday),
            },
            "button": gettext("Start the draft"),
            "change_url": reverse("admin:releases_release_changelist"),
            "summary": [],
        }
        return TemplateResponse(request, "admin/releases/release/confirm_action.html", context)

    # --- Bulk actions in the list -----------------------------------------

    @admin.action(description=_("Schedule the selected releases"), permissions=["publish"])
    def schedule_selected(self, request, queryset):
        self._bulk(
            request,
            queryset,
            lambda release: preparing.schedule_release(release=release),
            lambda n: ngettext("%(n)d release scheduled.", "%(n)d releases scheduled.", n) % {"n": n},
        )

    @admin.action(description=_("Withdraw the selected releases"), permissions=["publish"])
    def withdraw_selected(self, request, queryset):
        self._bulk(
            request,
            queryset,
            lambda release: preparing.withdraw_release(release=release),
            lambda n: ngettext("%(n)d release withdrawn.", "%(n)d releases withdrawn.", n) % {"n": n},
        )

    def _bulk(self, request, queryset, perform, done):
        succeeded = 0
        for release in queryset.select_related("product"):
            try:
                perform(release)
                succeeded += 1
            except ReleaseRefused as refusal:
                self.message_user(request, f"{release}: {refusal}", messages.ERROR)
        if succeeded:
            self.message_user(request, done(succeeded), messages.SUCCESS)


def fan_page_url(release) -> str:
    """The fan-facing page (drafts are visible there to those who may publish)."""
    try:
        return reverse("releases:release", args=[release.product.slug, release.version])
    except NoReverseMatch:
        return ""


def release_summary(release) -> list[str]:
    items = list(release.changelog.values_list("kind", flat=True))
    return [
        gettext("State: %(state)s") % {"state": release.get_state_display()},
        gettext("Publish time: %(when)s Beijing time (%(local)s for you)")
        % {
            "when": beijing_time(release.publish_at),
            "local": formats.date_format(timezone.localtime(release.publish_at), "DATETIME_FORMAT"),
        },
        ngettext("%(n)d changelog item", "%(n)d changelog items", len(items)) % {"n": len(items)},
        ngettext("%(n)d build", "%(n)d builds", release.builds.count()) % {"n": release.builds.count()},
    ]
