"""Programmes: many cities over several years, and the report that comes out of them.

- `access`: who sees a programme (admins, its managers), creating and editing one;
- `sharing`: what each city agreed to share of its scorecard (private, named, anonymised);
- `load`: everything the figures read, in a fixed number of queries;
- `reach`, `learning`, `resilience`: the three parts of the report, arithmetic on that load;
- `report`: the three built from one load, for the page, the printable report and the data pack;
- `charts`: geometry of the server-drawn SVG charts;
- `workbook`: the XLSX data pack; `demo`: the demo programme of `make run`.

Decisions and definitions: docs/programmes.md.
"""
