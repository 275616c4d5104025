"""The stage layer: one module per rules file (data, features, train, isr, analysis), each
function one stage's job: files in, files out, written atomically. Notebooks call these
and show what they return; tests call them directly."""
