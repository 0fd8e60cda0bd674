"""The secretariat's back office for calls (with their criteria) and jurors' profiles.
Application states are not editable here: they change only through
Application.transition, from the admission pages."""

from django.contrib import admin

from gnlc.admissions.models import Application, Call, Criterion, JurorProfile, Message


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 1


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "opens_on", "closes_on", "announcement_date", "published_at"]
    list_filter = ["kind"]
    inlines = [CriterionInline]

    def save_model(self, request, obj, form, change):
        # The form starts from a membership call's values; a new call of another kind
        # left at those gets its kind's defaults (the award's quota: 2), as
        # Call(kind=...) does.
        if not change:
            for name, value in obj.kind_spec.defaults.items():
                if name not in form.changed_data:
                    setattr(obj, name, value)
        super().save_model(request, obj, form, change)


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["city_name", "country", "call", "state", "decision"]
    list_filter = ["call", "state"]
    search_fields = ["city_name", "city_key"]
    readonly_fields = ["state", "decision", "member", "submitted_at", "commitment_letter"]


@admin.register(JurorProfile)
class JurorProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "country"]
    filter_horizontal = ["regions"]

    def save_model(self, request, obj, form, change):
        # The admin is the secretariat's: a country set here counts at once, and the
        # juror's assignments are re-checked as on an approved change.
        super().save_model(request, obj, form, change)
        if "country" in form.changed_data:
            obj.withdraw_conflicted_assignments(by=request.user)


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["subject", "status", "created_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in Message._meta.fields]
