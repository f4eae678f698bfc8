"""Programmes: many cities over several years, and the report that comes out of them.

- `access`: who sees a programme (admins, its managers), creating and editing one;
- `sharing`: what each city agreed to share of its scorecard (private, named, anonymised);
- `figures`: reach, learning gain and resilience, loaded in a fixed number of queries;
- `charts`: geometry of the server-drawn SVG charts;
- `workbook`: the XLSX data pack; `demo`: the demo programme of `make run`.

Decisions and definitions: docs/programmes.md.
"""
