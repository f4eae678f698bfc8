"""The web layer: one blueprint per user-facing area. Thin: forms in, services, templates out."""
