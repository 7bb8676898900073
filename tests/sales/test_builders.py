from tests.builders.sales import make_phase, make_process, make_project


def test_builders_make_a_project_in_the_first_phase_of_a_new_process(tenant):
    project = make_project()
    assert project.phase.process == project.process
    assert project.phase.name == "Contacted"
    assert make_phase(process=make_process(phases=["A"])).process.phases.count() == 2
