"""Les cas d'usage du journal, un module par cas (voir STYLE.md : des vues minces)."""
