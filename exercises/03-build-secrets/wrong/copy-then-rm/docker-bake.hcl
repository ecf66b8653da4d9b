target "default" {
  context = "."
}
