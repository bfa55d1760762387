"""The pictures: an SVG/PIL canvas, the network diagram and its layout, the computational
graph, the step-through animations and an image example as its image."""
