from django.contrib import admin

from apps.cases.models import CaseNote, OutcomeMetric, Participant, Program


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_active"]


@admin.register(OutcomeMetric)
class OutcomeMetricAdmin(admin.ModelAdmin):
    list_display = ["name", "program"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["display_name", "program", "created_at"]


@admin.register(CaseNote)
class CaseNoteAdmin(admin.ModelAdmin):
    list_display = ["participant", "author", "created_at"]
    # Encrypted text cannot be searched in the database, so there is no search_fields here.
