"""The partnership's configuration in Django's admin: areas, agencies, services, roles,
teams and who belongs to which team. (`pathways init` loads the same from config files.)"""

from __future__ import annotations

from django.contrib import admin

from pathways.partners.models import Agency, Area, Membership, Role, Service, Team


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "sector")
    list_filter = ("sector",)
    search_fields = ("code", "name")


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "provider",
        "kind",
        "voluntary",
        "requires_consent",
        "joint_approval",
    )
    list_filter = ("kind", "voluntary", "requires_consent", "joint_approval")
    list_select_related = ("provider",)
    search_fields = ("code", "name", "provider__name")
    fieldsets = (
        (None, {"fields": ("code", "name", "description", "provider", "kind")}),
        ("Referral", {"fields": ("voluntary", "requires_consent", "joint_approval")}),
        (
            "Eligibility (empty means any)",
            {
                "fields": (
                    ("min_age", "max_age"),
                    "sexes",
                    "areas",
                    "crime_groups",
                    "flags",
                    ("min_offences", "window_days"),
                )
            },
        ),
    )


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "capabilities")
    search_fields = ("code", "name")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "agency", "area", "service", "partnership")
    list_filter = ("partnership", "agency", "area")
    list_select_related = ("agency", "area", "service")
    search_fields = ("code", "name", "agency__name", "service__name")
    inlines = (MembershipInline,)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "team", "role")
    list_filter = ("role", "team")
    list_select_related = ("user", "team", "role")
    search_fields = ("user__username", "user__first_name", "user__last_name", "team__name")
    autocomplete_fields = ("user",)
