"""Case studies: editing and revisions (editing), the review workflow (workflow), the editorial
log (audit), the editable data and its rules (data), differences between versions (diff), files
for import and export (files), images (images) and search (search)."""
