"""The secretariat's back office for members. Membership events are added through
`Member.record_event` (so a move the status does not allow is refused) and never edited
in place: a wrong event is deleted and recorded again, both audited."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from gnlc.cities.models import Cohort, Country, Member, MembershipEvent, Region


class MembershipEventInline(admin.TabularInline):
    model = MembershipEvent
    fields = ["kind", "display_date", "cohort", "note", "created_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "cohort", "status"]
    list_filter = ["status", "country__region", "cohort"]
    search_fields = ["name", "search_text", "country__name"]
    readonly_fields = ["status", "cohort", "created_at", "updated_at"]
    autocomplete_fields = ["country"]
    inlines = [MembershipEventInline]
    list_select_related = ["country", "cohort"]


@admin.register(MembershipEvent)
class MembershipEventAdmin(admin.ModelAdmin):
    list_display = ["member", "kind", "display_date", "cohort"]
    list_filter = ["kind", "cohort"]
    search_fields = ["member__name"]
    autocomplete_fields = ["member"]
    fields = ["member", "kind", "date", "year", "cohort", "note", "source_url"]
    list_select_related = ["member", "cohort"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        try:
            obj.member.record_event(
                obj.kind,
                on=obj.date,
                year=obj.year,
                cohort=obj.cohort,
                note=obj.note,
                source_url=obj.source_url,
                by=request.user,
            )
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["year", "announced_on", "announced_members", "announced_countries"]


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["name", "iso2", "iso3", "region"]
    list_filter = ["region"]
    search_fields = ["name", "iso2", "iso3"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
