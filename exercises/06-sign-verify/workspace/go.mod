module course.test/beacon

go 1.22
