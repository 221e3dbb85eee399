"""Staff define medals (name, picture, description, rule) and grant the by-hand ones."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _, ngettext

from accounts.models import User
from canyu import images
from honour import medals
from honour.models import Medal, MedalAward, PointEntry

PICTURE_SIZE = 128


class MedalForm(forms.ModelForm):
    # A plain file field: the upload is decoded safely (canyu.images), squared and re-encoded as WebP,
    # so no metadata or hostile content reaches MEDIA_ROOT.
    # Not named "picture": the admin would assign the bytes to the model's field itself.
    upload = forms.FileField(label=_("Picture"), required=False)
    grant_to = forms.CharField(
        label=_("Grant to"),
        required=False,
        help_text=_("User names, separated by spaces or commas: they receive this medal now (once each)."),
    )

    class Meta:
        model = Medal
        fields = ["name", "slug", "description", "rule"]

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if not upload:
            return None
        image = images.open_image(
            upload, max_bytes=settings.HONOUR_MEDAL_MAX_BYTES, max_pixels=settings.HONOUR_MEDAL_MAX_PIXELS
        )
        return images.encode_webp(images.square_thumbnail(image, PICTURE_SIZE))

    def clean_grant_to(self):
        names = [name for name in self.cleaned_data.get("grant_to", "").replace(",", " ").split() if name]
        found = dict(User.objects.filter(username__in=names).values_list("username", "pk"))
        unknown = [name for name in names if name not in found]
        if unknown:
            raise forms.ValidationError(_("No such user: %(names)s") % {"names": ", ".join(unknown)})
        return list(found.values())


@admin.register(Medal)
class MedalAdmin(admin.ModelAdmin):
    form = MedalForm
    list_display = ["name", "slug", "rule", "created_at"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        picture = form.cleaned_data.get("upload")
        if picture:
            obj.picture.save(f"{obj.slug}.webp", ContentFile(picture), save=False)
        super().save_model(request, obj, form, change)
        if change:  # its name or picture beside the names of those who show it
            medals.copy_shown_medals(obj.awards.filter(shown=True).values_list("user_id", flat=True))

    def delete_model(self, request, obj):
        showing = list(obj.awards.filter(shown=True).values_list("user_id", flat=True))
        super().delete_model(request, obj)
        medals.copy_shown_medals(showing)

    def delete_queryset(self, request, queryset):
        showing = list(MedalAward.objects.filter(medal__in=queryset, shown=True).values_list("user_id", flat=True))
        super().delete_queryset(request, queryset)
        medals.copy_shown_medals(showing)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user_ids = form.cleaned_data.get("grant_to") or []
        if user_ids:
            granted = medals.grant_medal(medal=form.instance, user_ids=user_ids)
            self.message_user(
                request,
                ngettext("%(n)d person received the medal.", "%(n)d people received the medal.", granted)
                % {"n": granted},
                messages.SUCCESS,
            )


@admin.register(MedalAward)
class MedalAwardAdmin(admin.ModelAdmin):
    list_display = ["medal", "user", "awarded_at", "shown"]
    list_filter = ["medal"]
    raw_id_fields = ["user"]
    readonly_fields = ["medal", "user", "awarded_at"]

    def has_add_permission(self, request):
        return False  # granted through the medal's "Grant to" (honour.medals.grant_medal), once each


@admin.register(PointEntry)
class PointEntryAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "amount", "withheld", "giver", "created_at"]
    list_filter = ["kind", "withheld"]
    raw_id_fields = ["user", "giver"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
