package io.postwarden.deploy.doctor;

import java.util.List;

/** One thing doctor looks at. Never throws: whatever goes wrong is a finding. */
@FunctionalInterface
public interface Check {

  List<Finding> run();
}
