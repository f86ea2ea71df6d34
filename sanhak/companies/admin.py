from django.contrib import admin

from sanhak.companies.models import Company, IndustrialComplex, KsicCode


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "brn", "factory_no", "employees", "complex", "smart_factory_level"]
    list_select_related = ["complex"]
    search_fields = ["name", "brn", "factory_no"]
    list_filter = ["complex", "smart_factory_level"]
    autocomplete_fields = ["ksic_codes"]


@admin.register(KsicCode)
class KsicCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level"]
    search_fields = ["code", "name"]
    list_filter = ["level"]
    autocomplete_fields = ["parent"]


admin.site.register(IndustrialComplex)
