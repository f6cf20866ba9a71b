"""The governance configuration in Django's admin: categories, agreements and retention
periods. Consent records and the access audit are not here: they are case content and
evidence, read through the person page and the data protection officer's pages."""

from __future__ import annotations

from django.contrib import admin

from pathways.sharing.models import Agreement, DataCategory, RetentionPeriod


@admin.register(DataCategory)
class DataCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "special", "event_kinds")
    search_fields = ("code", "name")


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "from_agency", "to_agency", "to_service", "to_team",
                    "condition", "review_on")  # fmt: skip
    list_filter = ("condition", "from_agency")
    list_select_related = ("from_agency", "to_agency", "to_service", "to_team")
    search_fields = ("code", "title", "purpose", "legal_basis")


@admin.register(RetentionPeriod)
class RetentionPeriodAdmin(admin.ModelAdmin):
    list_display = ("code", "days")
