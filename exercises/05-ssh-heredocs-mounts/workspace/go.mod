module course.test/status

go 1.22

require git.course.test/team/greeting.git v1.0.0
