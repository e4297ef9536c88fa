"""The playground's side of Python mode: what runs a learner's module in the browser's worker."""
