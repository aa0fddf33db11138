// Package recipetest holds the test that keeps README's "Adding a function"
// true: it applies exactly the recipe's Go and YAML blocks to a copy of the
// repository and checks what the README promises of the new function.
package recipetest
