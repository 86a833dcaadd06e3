"""Many independent runs at once: parameter sweeps of one dataset and national runs of many
agencies, solved through an executor (:mod:`placement.executors`) and summarised in one table."""
