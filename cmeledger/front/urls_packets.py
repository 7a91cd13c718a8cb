from django.urls import path

from cmeledger.front import packet_views

urlpatterns = [
    path("reports/mock-audit/", packet_views.mock_audit, name="mock-audit"),
    path("reports/packet.zip", packet_views.packet_download, name="packet-download"),
    path("reports/exports/", packet_views.exports_page, name="exports"),
    path("reports/exports/entries.csv", packet_views.export_csv, name="export-csv"),
    path("reports/exports/ledger.json", packet_views.export_json, name="export-json"),
]
