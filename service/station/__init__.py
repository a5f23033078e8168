"""The commune loudspeaker station: priorities, emergencies and their repeats,
programmes on a schedule, playlists and CAP alerts (no Flask here)."""
