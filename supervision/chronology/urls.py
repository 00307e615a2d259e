from django.urls import path

from supervision.chronology.views import entries, exports, imports, merged, visual

app_name = "chronology"

urlpatterns = [
    path("", merged.merged, name="merged"),
    path("findings/", merged.finding_add, name="finding_add"),
    path("import/", imports.upload, name="import"),
    path("import/<uuid:code>/", imports.detail, name="import_detail"),
    path("template.csv", imports.template, name="template"),
    path("timeline/", visual.timeline, name="timeline"),
    path("export/", exports.start, name="export"),
    path("export/<uuid:code>/", exports.status, name="export_status"),
    path("export/<uuid:code>/download/", exports.download, name="export_download"),
    path("entries/new/", entries.create, name="entry_create"),
    path("entries/<uuid:code>/", entries.detail, name="entry_detail"),
    path("entries/<uuid:code>/edit/", entries.edit, name="entry_edit"),
    path("entries/<uuid:code>/draft/", entries.save_draft, name="entry_draft"),
    path("entries/<uuid:code>/notes/", entries.note_add, name="entry_note_add"),
]
