"""The Flask shell: app factory, blueprints, templates, static files."""
