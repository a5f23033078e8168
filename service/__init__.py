"""bantin's service: a Flask-free core (settings, db, models, storage, jobs, paste
parser) and the Flask shell in `service.web`."""
