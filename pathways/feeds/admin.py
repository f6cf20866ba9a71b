"""Import runs in the admin, read-only: they are written by `pathways import` alone."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from pathways.feeds.models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "kind",
        "file_name",
        "started_at",
        "status",
        "rows_read",
        "created",
        "updated",
        "unchanged",
        "rejected",
    )
    list_filter = ("kind", "status")
    search_fields = ("file_name", "operator")
    date_hierarchy = "started_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
