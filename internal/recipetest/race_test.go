//go:build race

package recipetest_test

// Under -race (make test) the copy's builds and tests use it too, so they
// find this run's compiled dependencies in the build cache.
func init() { sameAsThisTest = []string{"-race"} }
