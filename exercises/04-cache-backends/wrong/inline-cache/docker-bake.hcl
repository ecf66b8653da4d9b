# CI sets REGISTRY (ghcr.io/<owner>/<repo>) and TAG (the commit); both have local defaults.
variable "REGISTRY" {
  default = "ghcr.io/your-org/shop"
}

variable "TAG" {
  default = "dev"
}

# `docker buildx bake` with no target builds this group: both images, in parallel.
group "default" {
  targets = ["api", "worker"]
}

target "api" {
  context = "./api"
  tags    = ["${REGISTRY}/api:${TAG}"]
  # Each image has a cache reference of its own, read before the build and written after it.
  cache-from = ["type=registry,ref=${REGISTRY}/api:${TAG}"]
  cache-to   = ["type=inline"]
}

target "worker" {
  context    = "./worker"
  tags       = ["${REGISTRY}/worker:${TAG}"]
  cache-from = ["type=registry,ref=${REGISTRY}/worker:${TAG}"]
  cache-to   = ["type=inline"]
}
