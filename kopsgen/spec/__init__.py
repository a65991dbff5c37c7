"""The cluster spec: load (YAML with positions), schema check, defaults, validation, typed view."""
