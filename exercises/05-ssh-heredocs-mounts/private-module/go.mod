module git.course.test/team/greeting.git

go 1.22
