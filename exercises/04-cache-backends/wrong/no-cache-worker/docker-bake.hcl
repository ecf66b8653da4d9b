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
  # mode=max keeps the deps and build stages too, not only the layers of the final image.
  cache-from = ["type=registry,ref=${REGISTRY}/api:buildcache"]
  cache-to   = ["type=registry,ref=${REGISTRY}/api:buildcache,mode=max"]
}

target "worker" {
  context    = "./worker"
  # Always build the worker from scratch.
  no-cache   = true
  tags       = ["${REGISTRY}/worker:${TAG}"]
  cache-from = ["type=registry,ref=${REGISTRY}/worker:buildcache"]
  cache-to   = ["type=registry,ref=${REGISTRY}/worker:buildcache,mode=max"]
}
