//! The Starmap viewer (placeholder until the viewer issue lands).
