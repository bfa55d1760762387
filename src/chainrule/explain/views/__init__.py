"""The views of a trace, each a document: the book's Step 1, 2, 3 (``steps``), the scalar
paths of one weight (``scalar_paths``) and the Jacobians (``jacobians``)."""
