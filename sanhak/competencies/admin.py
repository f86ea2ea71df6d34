from django.contrib import admin

from sanhak.competencies.models import Competency, NcsLevel, NcsUnit, Track


@admin.register(Competency)
class CompetencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ko", "domain_ko", "level_min", "level_max"]
    search_fields = ["code", "name_ko", "keywords"]
    filter_horizontal = ["ncs_units"]


@admin.register(NcsUnit)
class NcsUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "detail_name"]
    search_fields = ["code", "name"]


admin.site.register(NcsLevel)
admin.site.register(Track)
