"""The theming engine: plain Python, NumPy and scikit-learn, no Django.

It works on lists of texts and gives back numbers and indexes; saving themes, and deciding
anything, is for the people using ``sidebyside.insights`` (the machine suggests, a person
decides). One interface, two ways of turning texts into vectors (``embedders``):

- lexical: TF-IDF over words and word pairs, reduced by SVD; always there;
- semantic: sentence embeddings from an ONNX model on the CPU, used when one is installed.

``themes.suggest`` groups texts into themes with proposed labels, keyphrases and the most
typical quotes; ``themes.assign`` puts new texts into confirmed themes from the texts people
already tagged, with a confidence and a "not sure" answer.
"""
