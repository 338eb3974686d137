"""The co-editing kernel: versioned, visibility-scoped workspace elements, the one way to write,
see and trace them. Domains build their rows on its model mixins (`coediting.models`)."""
